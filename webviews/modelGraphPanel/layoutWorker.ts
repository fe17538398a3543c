// STUB (wip-graph replaces): elkjs layout in a web worker.
export {};
