/** The two files of a saved model folder (tfjs layers format, one weights file). */
export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
