// Series colours that stay visible on the theme's background: WCAG's contrast ratio between a colour and
// the background, and a lighter (on a dark theme) or darker (on a light one) variant of a colour whose
// ratio is below what a chart line needs.

interface Rgb {
  r: number;
  g: number;
  b: number;
}

/** WCAG 2.1's minimum contrast for graphical objects such as chart lines. */
export const LINE_CONTRAST = 3;
const MIX_STEP = 0.05;

/** #rgb, #rrggbb (alpha digits ignored) or rgb()/rgba(), as canvases and getComputedStyle write colours; null otherwise. */
export function parseColor(css: string): Rgb | null {
  const text = css.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(text)?.[1];
  if (hex) {
    const digits = hex.length <= 4 ? [...hex.slice(0, 3)].map((digit) => digit + digit) : [hex.slice(0, 2), hex.slice(2, 4), hex.slice(4, 6)];
    const [r, g, b] = digits.map((pair) => parseInt(pair, 16));
    return { r, g, b };
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/.exec(text);
  return rgb ? { r: Number(rgb[1]), g: Number(rgb[2]), b: Number(rgb[3]) } : null;
}

function luminance({ r, g, b }: Rgb): number {
  const linear = (channel: number): number => {
    const value = channel / 255;
    return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

export function contrastRatio(a: Rgb, b: Rgb): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/**
 * The colour itself when it stands out enough from the background; else the first mix of it with white (on
 * a dark background) or black (on a light one) that does, so the hue stays recognisable. A colour or
 * background it cannot read is returned as it is.
 */
export function readableColor(color: string, background: string, minimum = LINE_CONTRAST): string {
  const foreground = parseColor(color);
  const behind = parseColor(background);
  if (!foreground || !behind || contrastRatio(foreground, behind) >= minimum) return color;
  const toward = luminance(behind) < 0.5 ? 255 : 0;
  let mixed = foreground;
  for (let share = MIX_STEP; share <= 1 && contrastRatio(mixed, behind) < minimum; share += MIX_STEP) {
    const mix = (channel: number): number => Math.round(channel + (toward - channel) * share);
    mixed = { r: mix(foreground.r), g: mix(foreground.g), b: mix(foreground.b) };
  }
  return `rgb(${mixed.r}, ${mixed.g}, ${mixed.b})`;
}
