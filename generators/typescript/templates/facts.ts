/**
 * `src/generated/facts.ts`: the spec facts the hand-written runtime imports instead of retyping
 * them: the error codes, each enum's values, and (from the spec's root `x-sdk`, `ApiModel.facts`)
 * status <-> code <-> error class, limits, and the client, retry, breaker and telemetry defaults.
 */
import { code } from '../../src/emit/template.ts';
import { screamingSnake } from '../../src/model/index.ts';
import type { ApiModel } from '../../src/model/types.ts';
import { ts, tsDoc } from '../naming.ts';

const list = (values: readonly (string | number)[]) => `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;

export function factsModule(model: ApiModel, header: string): string {
  const enums = model.types.filter((t) => t.kind === 'enum' && t.syntheticFrom === undefined);
  return code`
    ${header}
    /** Every \`ErrorCode\` the spec defines (the gateway's and the SDK-raised ones). */
    export const ERROR_CODES = ${list(model.errorCodes.map((c) => c.value))} as const;

    ${enums.map(
      (t) => code`
        ${tsDoc(`The values of \`${ts.type(t.name)}\` this SDK knows (decoders accept others too).`)}
        export const ${screamingSnake(t.name.words)}_VALUES = ${list(t.kind === 'enum' ? t.values.map((v) => v.value) : [])} as const;
      `,
    )}
  `;
}
