// STUB (wip-metrics replaces): the metrics panel page.
document.body.textContent = "Metrics panel";
