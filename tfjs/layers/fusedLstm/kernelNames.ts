// The fused LSTM's kernels, registered for the 'wasm' backend only: the layer takes the fused path only where they
// are registered, so a backend without them, or a process that unregisters them, gets tfjs' own LSTM.
export const LSTM_FORWARD = "TfjsStudioLstmForward";
export const LSTM_BACKWARD = "TfjsStudioLstmBackward";
export const FUSED_LSTM_KERNELS = [LSTM_FORWARD, LSTM_BACKWARD];
