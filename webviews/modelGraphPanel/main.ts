// STUB (wip-graph replaces): the model graph panel page.
document.body.textContent = "Model graph panel";
