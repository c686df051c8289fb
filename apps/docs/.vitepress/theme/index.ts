// The site's theme: VitePress's default theme with the live demos registered as global components, so
// that any page can write <FitGaussian />, <KlExplorer />, <CaviGmm />, <SviDemo />, <AutoencoderDemo />,
// <VaeDemo />, <NvaeDemo /> or <BackendSwitch />.
import DefaultTheme from 'vitepress/theme';
import type { Theme } from 'vitepress';
import AutoencoderDemo from './demos/AutoencoderDemo.vue';
import BackendSwitch from './demos/BackendSwitch.vue';
import CaviGmm from './demos/CaviGmm.vue';
import FitGaussian from './demos/FitGaussian.vue';
import KlExplorer from './demos/KlExplorer.vue';
import NvaeDemo from './demos/NvaeDemo.vue';
import SviDemo from './demos/SviDemo.vue';
import VaeDemo from './demos/VaeDemo.vue';
import './demos/demo.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('AutoencoderDemo', AutoencoderDemo);
    app.component('BackendSwitch', BackendSwitch);
    app.component('CaviGmm', CaviGmm);
    app.component('FitGaussian', FitGaussian);
    app.component('KlExplorer', KlExplorer);
    app.component('NvaeDemo', NvaeDemo);
    app.component('SviDemo', SviDemo);
    app.component('VaeDemo', VaeDemo);
  },
} satisfies Theme;
