// Jupyter counts cursor positions in Unicode code points; TypeScript counts UTF-16 code units.

export function codePointToUtf16(text: string, codePoints: number): number {
  let offset = 0;
  for (let seen = 0; seen < codePoints && offset < text.length; seen++) {
    offset += text.codePointAt(offset)! > 0xffff ? 2 : 1;
  }
  return offset;
}

export function utf16ToCodePoint(text: string, offset: number): number {
  let codePoints = 0;
  for (let i = 0; i < offset && i < text.length; codePoints++) {
    i += text.codePointAt(i)! > 0xffff ? 2 : 1;
  }
  return codePoints;
}
