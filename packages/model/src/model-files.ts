/** The two files of a saved model folder (tfjs layers format, one weights file). */
export const MODEL_JSON = 'model.json';
/** The weights file saveModel writes beside model.json. */
export const WEIGHTS_BIN = 'weights.bin';
