/** WCAG 2 relative luminance of an [r, g, b] colour (0–255 each). */
function luminance(rgb: readonly number[]): number {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

const rgbOf = (colour: readonly number[] | string): readonly number[] =>
  typeof colour === 'string' ? [1, 3, 5].map((i) => parseInt(colour.slice(i, i + 2), 16)) : colour;

/** WCAG contrast ratio of two colours, as [r, g, b] or '#rrggbb'. */
export function contrast(a: readonly number[] | string, b: readonly number[] | string): number {
  const [hi, lo] = [luminance(rgbOf(a)), luminance(rgbOf(b))].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}
