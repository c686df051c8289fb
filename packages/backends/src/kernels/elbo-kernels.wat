;; elbo's own WebAssembly kernels for tfjs-backend-wasm. They run on tfjs-backend-wasm's own memory
;; (imported; the threaded build's memory is shared, the other builds' is not: scripts/build-kernels.mjs
;; writes one binary of each from this text) and read and write tensors where tfjs keeps them.
;; Every pointer is a byte offset into that memory; every count is in elements.
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; One Adam step on n float32 elements, the same IEEE operations in the same order as tfjs-core's
  ;; AdamOptimizer (so the same bits):
  ;;   m' = m·β1 + g·(1 − β1)          v' = v·β2 + g²·(1 − β2)
  ;;   x' = ((m'/c1) / (√(v'/c2) + ε))·(−lr) + x,   c1 = 1 − β1ᵗ, c2 = 1 − β2ᵗ
  ;; x, g, m, v are read; xo, mo, vo written (they may not overlap the inputs).
  (func (export "adam")
    (param $x i32) (param $g i32) (param $m i32) (param $v i32)
    (param $xo i32) (param $mo i32) (param $vo i32) (param $n i32)
    (param $b1 f32) (param $a1 f32) (param $b2 f32) (param $a2 f32)
    (param $c1 f32) (param $c2 f32) (param $eps f32) (param $nlr f32)
    (local $i i32) (local $end i32) (local $o i32)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $B1 v128) (local $A1 v128) (local $B2 v128) (local $A2 v128)
    (local $C1 v128) (local $C2 v128) (local $EPS v128) (local $NLR v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $A1 (f32x4.splat (local.get $a1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $A2 (f32x4.splat (local.get $a2)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $EPS (f32x4.splat (local.get $eps)))
    (local.set $NLR (f32x4.splat (local.get $nlr)))
    ;; four at a time
    (local.set $end (i32.and (local.get $n) (i32.const -4)))
    (block $done4
      (loop $four
        (br_if $done4 (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $o))))
        (local.set $mv
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $o))) (local.get $B1))
            (f32x4.mul (local.get $gv) (local.get $A1))))
        (local.set $vv
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $o))) (local.get $B2))
            (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $A2))))
        (v128.store (i32.add (local.get $mo) (local.get $o)) (local.get $mv))
        (v128.store (i32.add (local.get $vo) (local.get $o)) (local.get $vv))
        (v128.store (i32.add (local.get $xo) (local.get $o))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mv) (local.get $C1))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (local.get $C2))) (local.get $EPS)))
              (local.get $NLR))
            (v128.load (i32.add (local.get $x) (local.get $o)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $four)))
    ;; the rest, one at a time
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $o (i32.shl (local.get $i) (i32.const 2)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $o))))
        (local.set $ms
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $m) (local.get $o))) (local.get $b1))
            (f32.mul (local.get $gs) (local.get $a1))))
        (local.set $vs
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $v) (local.get $o))) (local.get $b2))
            (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $a2))))
        (f32.store (i32.add (local.get $mo) (local.get $o)) (local.get $ms))
        (f32.store (i32.add (local.get $vo) (local.get $o)) (local.get $vs))
        (f32.store (i32.add (local.get $xo) (local.get $o))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $ms) (local.get $c1))
                (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $c2))) (local.get $eps)))
              (local.get $nlr))
            (f32.load (i32.add (local.get $x) (local.get $o)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $one))))

  ;; y = xᵀ for x [rows, cols] (y [cols, rows]): 4×4 blocks transposed in registers, in strips of 16
  ;; columns so that the 16 output rows being written stay in cache (64 alias in cache when the row count
  ;; is a multiple of 256: 1.65 against 0.18 ns an element for 512×784); the edges one at a time.
  (func (export "transpose") (param $x i32) (param $y i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $c0 i32) (local $cend i32) (local $r4 i32) (local $c4 i32)
    (local $src i32) (local $dst i32) (local $rs i32) (local $ys i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $r4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $c4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $rs (i32.shl (local.get $cols) (i32.const 2)))  ;; bytes per input row
    (local.set $ys (i32.shl (local.get $rows) (i32.const 2)))  ;; bytes per output row
    ;; full 4×4 blocks: strips of 16 columns
    (local.set $c0 (i32.const 0))
    (block $strips_done
      (loop $strips
        (br_if $strips_done (i32.ge_u (local.get $c0) (local.get $c4)))
        (local.set $cend (i32.add (local.get $c0) (i32.const 16)))
        (if (i32.gt_u (local.get $cend) (local.get $c4)) (then (local.set $cend (local.get $c4))))
        (local.set $r (i32.const 0))
        (block $rows_done
          (loop $rows4
            (br_if $rows_done (i32.ge_u (local.get $r) (local.get $r4)))
            (local.set $c (local.get $c0))
            (block $cols_done
              (loop $cols4
                (br_if $cols_done (i32.ge_u (local.get $c) (local.get $cend)))
                (local.set $src
                  (i32.add (local.get $x)
                    (i32.add (i32.mul (local.get $r) (local.get $rs)) (i32.shl (local.get $c) (i32.const 2)))))
                (local.set $a0 (v128.load (local.get $src)))
                (local.set $a1 (v128.load (i32.add (local.get $src) (local.get $rs))))
                (local.set $a2 (v128.load (i32.add (local.get $src) (i32.shl (local.get $rs) (i32.const 1)))))
                (local.set $a3 (v128.load (i32.add (local.get $src) (i32.mul (local.get $rs) (i32.const 3)))))
                ;; t0 = a0₀ a1₀ a0₁ a1₁, t1 = a0₂ a1₂ a0₃ a1₃, t2, t3 the same of a2, a3
                (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1)))
                (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1)))
                (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3)))
                (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3)))
                (local.set $dst
                  (i32.add (local.get $y)
                    (i32.add (i32.mul (local.get $c) (local.get $ys)) (i32.shl (local.get $r) (i32.const 2)))))
                (v128.store (local.get $dst)
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                (v128.store (i32.add (local.get $dst) (local.get $ys))
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                (v128.store (i32.add (local.get $dst) (i32.shl (local.get $ys) (i32.const 1)))
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                (v128.store (i32.add (local.get $dst) (i32.mul (local.get $ys) (i32.const 3)))
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                (local.set $c (i32.add (local.get $c) (i32.const 4)))
                (br $cols4)))
            (local.set $r (i32.add (local.get $r) (i32.const 4)))
            (br $rows4)))
        (local.set $c0 (local.get $cend))
        (br $strips)))
    ;; the last cols % 4 columns of the first rows - rows % 4 rows
    (local.set $r (i32.const 0))
    (block $e1_done
      (loop $e1
        (br_if $e1_done (i32.ge_u (local.get $r) (local.get $r4)))
        (local.set $c (local.get $c4))
        (block $e1c_done
          (loop $e1c
            (br_if $e1c_done (i32.ge_u (local.get $c) (local.get $cols)))
            (call $copy1 (local.get $x) (local.get $y) (local.get $r) (local.get $c) (local.get $rows) (local.get $cols))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $e1c)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $e1)))
    ;; the last rows % 4 rows, every column
    (local.set $r (local.get $r4))
    (block $e2_done
      (loop $e2
        (br_if $e2_done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $e2c_done
          (loop $e2c
            (br_if $e2c_done (i32.ge_u (local.get $c) (local.get $cols)))
            (call $copy1 (local.get $x) (local.get $y) (local.get $r) (local.get $c) (local.get $rows) (local.get $cols))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $e2c)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $e2))))

  ;; y[c, r] = x[r, c]
  (func $copy1 (param $x i32) (param $y i32) (param $r i32) (param $c i32) (param $rows i32) (param $cols i32)
    (i32.store
      (i32.add (local.get $y) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2)))
      (i32.load
        (i32.add (local.get $x) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2))))))

  ;; y = softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e), e = e^−|x|, on n float32 elements, four at a time.
  ;; e by Cephes' expf (n = round(t·log₂e), r = t − n·ln2 in two parts, a degree-7 polynomial, 2ⁿ applied in
  ;; two halves so that results below 2⁻¹²⁶ come out subnormal); log1p(e) = 2 atanh(s), s = e/(2 + e) ≤ 1/3,
  ;; by its series to s¹⁵ (truncation below 2e-9). Tiny e keeps its relative accuracy (log1p(e) = e).
  ;; −∞ → 0, +∞ → +∞, NaN → NaN.
  (func $softplus4 (param $x v128) (result v128)
    (local $t v128) (local $n v128) (local $r v128) (local $p v128) (local $e v128) (local $s v128)
    (local $z v128) (local $ni v128) (local $h v128)
    ;; t = −|x| clamped to [−104, 0] (e^−104 is below the smallest subnormal); NaN stays NaN
    (local.set $t (f32x4.max (f32x4.neg (f32x4.abs (local.get $x))) (f32x4.splat (f32.const -104))))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $t) (f32x4.splat (f32.const 1.44269504088896341)))))
    (local.set $r
      (f32x4.sub
        (f32x4.sub (local.get $t) (f32x4.mul (local.get $n) (f32x4.splat (f32.const 0.693359375))))
        (f32x4.mul (local.get $n) (f32x4.splat (f32.const -2.12194440e-4)))))
    (local.set $p (f32x4.splat (f32.const 1.9875691500e-4)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.3981999507e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 8.3334519073e-3))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 4.1665795894e-2))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 1.6666665459e-1))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (f32x4.splat (f32.const 5.0000001201e-1))))
    (local.set $p
      (f32x4.add
        (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r))
        (f32x4.splat (f32.const 1))))
    ;; e = p · 2^h · 2^(n − h), h = n/2 rounded toward zero: both factors are normal floats
    (local.set $ni (i32x4.trunc_sat_f32x4_s (local.get $n)))
    (local.set $h (i32x4.shr_s (local.get $ni) (i32.const 1)))
    (local.set $e
      (f32x4.mul
        (f32x4.mul (local.get $p)
          (i32x4.shl (i32x4.add (local.get $h) (i32x4.splat (i32.const 127))) (i32.const 23)))
        (i32x4.shl
          (i32x4.add (i32x4.sub (local.get $ni) (local.get $h)) (i32x4.splat (i32.const 127)))
          (i32.const 23))))
    ;; log1p(e) = 2s(1 + z/3 + z²/5 + … + z⁷/15), s = e/(2 + e), z = s²
    (local.set $s (f32x4.div (local.get $e) (f32x4.add (local.get $e) (f32x4.splat (f32.const 2)))))
    (local.set $z (f32x4.mul (local.get $s) (local.get $s)))
    (local.set $p (f32x4.splat (f32.const 0.0666666666666666667)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (f32x4.splat (f32.const 0.0769230769230769231))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (f32x4.splat (f32.const 0.0909090909090909091))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (f32x4.splat (f32.const 0.111111111111111111))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (f32x4.splat (f32.const 0.142857142857142857))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (f32x4.splat (f32.const 0.2))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (f32x4.splat (f32.const 0.333333333333333333))))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $z)) (f32x4.splat (f32.const 1))))
    (f32x4.add
      (f32x4.max (local.get $x) (f32x4.splat (f32.const 0)))
      (f32x4.mul (f32x4.add (local.get $s) (local.get $s)) (local.get $p))))

  (func (export "softplus") (param $x i32) (param $y i32) (param $n i32)
    (local $o i32) (local $end i32)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done4
      (loop $four
        (br_if $done4 (i32.ge_u (local.get $o) (local.get $end)))
        (v128.store (i32.add (local.get $y) (local.get $o))
          (call $softplus4 (v128.load (i32.add (local.get $x) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $four)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (f32.store (i32.add (local.get $y) (local.get $o))
          (f32x4.extract_lane 0
            (call $softplus4 (f32x4.splat (f32.load (i32.add (local.get $x) (local.get $o)))))))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br $one))))
)
