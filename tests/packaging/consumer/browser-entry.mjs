// The browser bundle's entry: exposes the same preprocessing as Node runs, over bytes given as base64.
import { preprocessBytes } from './preprocess-bytes.mjs';

globalThis.ct3dPreprocess = (base64) => {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return preprocessBytes(bytes);
};
