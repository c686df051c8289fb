import * as tf from '@tensorflow/tfjs-core';

/** A tree of parameters: tensors (or variables) in nested records, e.g. `{ dense0: { kernel, bias } }`. */
export type ParamTree = tf.Tensor | { readonly [key: string]: ParamTree };

/** The same tree with every tensor a trainable `tf.Variable`. */
export type VariableTree<T extends ParamTree> = T extends tf.Tensor
  ? tf.Variable
  : { readonly [K in keyof T]: T[K] extends ParamTree ? VariableTree<T[K]> : never };

/**
 * Turns a tree of freshly initialised tensors into variables (disposing the tensors) and lists them by
 * their path joined with '/' under `prefix`: `{ 'encoder/dense0/kernel': Variable, ... }`, in the
 * tree's key order. Variables get tfjs's automatic unique names, so several models can coexist; the
 * stable names are the record's keys.
 *
 * @returns the variable tree and the flat record; both refer to the same variables, owned by the caller.
 * @example
 * const { tree, variables } = toVariables({ dense0: initDense(784, 512, seed(0)) }, 'encoder', true);
 * Object.keys(variables); // ['encoder/dense0/kernel', 'encoder/dense0/bias']
 */
export function toVariables<T extends ParamTree>(
  tree: T,
  prefix: string,
  trainable: boolean,
): { tree: VariableTree<T>; variables: Record<string, tf.Variable> } {
  const variables: Record<string, tf.Variable> = {};
  const walk = (node: ParamTree, path: string): unknown => {
    if (node instanceof tf.Tensor) {
      const v = tf.variable(node, trainable);
      if (!(node instanceof tf.Variable)) node.dispose();
      variables[path] = v;
      return v;
    }
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node))
      out[key] = walk(child, path === '' ? key : `${path}/${key}`);
    return out;
  };
  const result = walk(tree, prefix) as VariableTree<T>;
  return { tree: result, variables };
}

/**
 * Every tensor of a tree, in key order.
 *
 * @example tf.dispose(paramsOf(tree));
 */
export function paramsOf(tree: ParamTree): tf.Tensor[] {
  if (tree instanceof tf.Tensor) return [tree];
  return Object.values(tree).flatMap((child) => paramsOf(child));
}
