/**
 * agenttrust-gen: generates one language's SDK from an OpenAPI spec.
 *
 *   agenttrust-gen --lang python --spec spec/openapi.yaml --out packages/python
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Emitter, GENERATORS_DIR } from './emit/index.ts';
import { modelFromFile, SpecModelError } from './model/index.ts';

const USAGE = 'usage: agenttrust-gen --lang <python|go|...> --spec <openapi.yaml> --out <dir>';

/** The languages with an emitter: every `generators/<lang>/emit.ts`. */
export function languages(): string[] {
  return ['python', 'go', 'java', 'rust', 'typescript'].filter((l) =>
    existsSync(`${GENERATORS_DIR}${l}/emit.ts`),
  );
}

export async function main(argv: string[]): Promise<number> {
  let values: { lang?: string; spec?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        lang: { type: 'string' },
        spec: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`agenttrust-gen: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(`${USAGE}\nlanguages: ${languages().join(', ')}`);
    return 0;
  }
  const { lang, spec, out } = values;
  if (!lang || !spec || !out) {
    console.error(`agenttrust-gen: --lang, --spec and --out are required\n${USAGE}`);
    return 2;
  }
  if (!languages().includes(lang)) {
    console.error(`agenttrust-gen: no emitter for '${lang}' (have: ${languages().join(', ')})`);
    return 2;
  }
  if (!existsSync(spec)) {
    console.error(`agenttrust-gen: spec not found: ${spec}`);
    return 2;
  }
  try {
    const model = await modelFromFile(resolve(spec));
    const emitter = (await import(`../${lang}/emit.ts`)) as Emitter;
    await emitter.emit({ model, specPath: resolve(spec), outDir: resolve(out) });
  } catch (error) {
    if (error instanceof SpecModelError) {
      console.error(`agenttrust-gen: the spec cannot be generated from: ${error.message}`);
      return 1;
    }
    console.error(`agenttrust-gen: ${(error as Error).stack ?? error}`);
    return 1;
  }
  return 0;
}
