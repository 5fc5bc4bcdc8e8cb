// `node --import ./trace-loads.mjs ...`: appends every resolved module URL to $CT3D_TRACE_FILE.
import { register } from 'node:module';

register('./trace-hooks.mjs', import.meta.url);
