// Distinct colours for runs: the theme's chart colours first (so they suit the theme), a few more that
// differ from those, then hues spread by the golden angle, which stay apart however many runs there are.

const THEME_COLORS = [
  "var(--vscode-charts-blue, #3794ff)",
  "var(--vscode-charts-orange, #d18616)",
  "var(--vscode-charts-green, #89d185)",
  "var(--vscode-charts-purple, #b180d7)",
  "var(--vscode-charts-red, #f14c4c)",
  "var(--vscode-charts-yellow, #cca700)",
  "#e377c2",
  "#17becf",
  "#bcbd22",
  "#a0785a",
];

/** The colour of the run at this position of the run list, as a CSS colour (maybe a var() with a fallback). */
export function runColor(index: number): string {
  if (index < THEME_COLORS.length) return THEME_COLORS[index];
  const hue = Math.round((330 + (index - THEME_COLORS.length) * 137.508) % 360);
  return `hsl(${hue}, 65%, 55%)`;
}
