/**
 * The conformance driver's dispatch table (a test source): one entry per operation, keyed
 * `resource.method` as scenarios name it, turning wire-keyed args into the SDK call from the
 * model (path and header arguments as strings, the body and the `...Params` object decoded from
 * their wire keys by the models' own strict decoders), and one round-trip entry per model type.
 */
import { code } from '../../src/emit/template.ts';
import { quote, typeName } from '../naming.ts';
import { apiClass, extraParams, javaShape } from './resources.ts';
import { decoder, type JavaCtx } from './types.ts';

export function dispatchFile(ctx: JavaCtx): string {
  const { model } = ctx;
  const entries = model.operations.map((op) => {
    const s = javaShape(ctx, op);
    const r = model.resources.find((x) => x.operations.includes(op.id))!;
    const target = op.root
      ? 'c'
      : `c.${apiClass(r)
          .replace(/API$/, '')
          .replace(/^./, (x) => x.toLowerCase())}()`;
    const args: string[] = [
      ...s.path.map((a) => `Args.str(a, ${quote(a.param.name.wire)})`),
      ...s.positional
        .filter((a) => a.param.location === 'header')
        .map((a) => `Args.str(a, ${quote(a.param.name.wire)})`),
    ];
    if (s.bodyType) {
      const fields = op.params.filter((p) => p.location === 'body').map((p) => quote(p.name.wire));
      const dec = `${s.bodyType}.fromJson(Args.subset(a${fields.map((f) => `, ${f}`).join('')}), "$")`;
      args.push(
        op.body!.required
          ? `Args.decode(() -> ${dec})`
          : `Args.has(a${fields.map((f) => `, ${f}`).join('')}) ? Args.decode(() -> ${dec}) : (${s.bodyType}) null`,
      );
    }
    if (s.params) {
      const fields = extraParams(op).map((p) => quote(p.name.wire));
      args.push(
        `Args.decode(() -> ${s.params}.fromJson(Args.subset(a${fields.map((f) => `, ${f}`).join('')}), "$"))`,
      );
    }
    let call = op.root ? `c.${s.name}()` : `${target}.${s.name}(${args.join(', ')})`;
    // x-sdk-shorthands: a string given for the argument goes through the SDK's text overload.
    const sh = s.flatten.find((f) => f.param.shorthand?.accepts === 'string');
    if (sh && !s.params) {
      const positional = s.positional.map((p) =>
        p === sh || p.param.location === 'header'
          ? `Args.str(a, ${quote(p.param.name.wire)})`
          : `Args.opt(a, ${quote(p.param.name.wire)}, ${decoder(ctx, p.param.type)})`,
      );
      const text = `${target}.${s.name}(${[...s.path.map((x) => `Args.str(a, ${quote(x.param.name.wire)})`), ...positional].join(', ')})`;
      call = `a.path(${quote(sh.param.name.wire)}).isTextual() ? ${text} : ${call}`;
    }
    const body = s.result === 'Void' ? `{\n    ${call};\n    return null;\n}` : call;
    return `m.put(${quote(`${op.resource}.${op.name.wire}`)}, (c, a) -> ${body});`;
  });
  const types = model.types.filter((t) => t.kind !== 'enum');
  return code`
    ${"/** The conformance driver's calls and round trips, generated from the spec. */"}
    final class Dispatch {
        private Dispatch() {}

        ${"/** A call: the client and the wire-keyed args, to the SDK's answer. */"}
        interface Call {
            ${'/**\n     * Makes the call.\n     *\n     * @param c the client\n     * @param a the args\n     * @return the answer\n     */'}
            Object call(AgentTrustClient c, ObjectNode a);
        }

        static final Map<String, Call> CALLS = calls();
        static final Map<String, Function<JsonNode, JsonNode>> ROUNDTRIPS = roundtrips();

        private static Map<String, Call> calls() {
            Map<String, Call> m = new HashMap<>();
            ${entries}
            return m;
        }

        private static Map<String, Function<JsonNode, JsonNode>> roundtrips() {
            Map<String, Function<JsonNode, JsonNode>> m = new HashMap<>();
            ${types.map((t) => `m.put(${quote(t.name.wire)}, n -> ${typeName(t.name)}.fromJson(n, "$").toJson());`)}
            return m;
        }
    }
  `;
}
