/**
 * The template approach: TypeScript tagged template functions, not a template engine. A
 * template is a function of the model that returns `code\`...\``; tsc type-checks every field
 * it reads, loops are `array.map`, and the language's formatter (ruff, gofmt) fixes layout, so
 * templates stay short and no template syntax or engine dependency is needed.
 *
 * `code` joins interpolated arrays with newlines, drops `undefined`, `null` and `false`, and
 * removes the common indentation of the literal (so templates can be indented like code).
 */
export type Chunk = string | number | undefined | null | false | readonly Chunk[];

function render(value: Chunk): string {
  if (value === undefined || value === null || value === false) return '';
  if (Array.isArray(value))
    return value
      .map(render)
      .filter((s) => s !== '')
      .join('\n');
  return String(value);
}

export function code(strings: TemplateStringsArray, ...values: Chunk[]): string {
  const raw = dedent(strings.raw.map((s) => s.replace(/\\`/g, '`').replace(/\\\$/g, '$')));
  let out = raw[0]!;
  for (let i = 0; i < values.length; i++) {
    const text = render(values[i]!);
    // Multi-line values keep the indentation of the line they are interpolated on.
    const lineStart = out.lastIndexOf('\n') + 1;
    const indent = /^[ \t]*/.exec(out.slice(lineStart))![0];
    out += text.replace(/\n(?=.)/g, `\n${indent}`) + raw[i + 1]!;
  }
  return out;
}

function dedent(parts: string[]): string[] {
  const text = parts.join('\u0000');
  const lines = text.split('\n').slice(1);
  const indents = lines
    .filter((l) => l.trim() !== '' && l.trim() !== '\u0000')
    .map((l) => /^[ \t]*/.exec(l)![0].length);
  const min = indents.length ? Math.min(...indents) : 0;
  const body = text.startsWith('\n') ? text.slice(1) : text;
  return body
    .split('\n')
    .map((l) => l.slice(Math.min(min, /^[ \t]*/.exec(l)![0].length)))
    .join('\n')
    .replace(/[ \t]+$/, '')
    .split('\u0000');
}

/** A docstring/comment-safe single paragraph. */
export function oneLine(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}
