import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from '../src/emit/index.ts';
import { modelFromFile, SpecModelError } from '../src/model/index.ts';
import { emit } from './emit.ts';

const EDGE = join(REPO_ROOT, 'generators/test/fixtures/edge.yaml');
const PYTHON = join(REPO_ROOT, 'packages/python/.venv/bin/python');
const dirs: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ati-py-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Emits the Python package from `specPath` into a new directory; returns the directory. */
async function emitFrom(specPath: string): Promise<string> {
  const outDir = tmp();
  await emit({ model: await modelFromFile(specPath), specPath, outDir });
  return outDir;
}

/** A copy of edge.yaml changed by `edit`, written to a file. */
function edgeCopy(edit: (spec: any) => void): string {
  const spec = parse(readFileSync(EDGE, 'utf8'));
  edit(spec);
  const path = join(tmp(), 'edge.yaml');
  writeFileSync(path, stringify(spec));
  return path;
}

/** edge.yaml's error classes replaced by classes Python's runtime defines. */
const withPythonErrorClasses = (spec: any) => {
  spec['x-sdk'].errors.classes = {
    by_code: { NOT_FOUND: 'not_found_error' },
    by_status: { 400: 'validation_error' },
    server_error: 'internal_server_error',
  };
};

const run = (out: string, script: string) =>
  spawnSync(
    PYTHON,
    ['-c', `import sys\nsys.path.insert(0, ${JSON.stringify(join(out, 'src'))})\n${script}`],
    {
      encoding: 'utf8',
    },
  );

describe('the Python emitter on test/fixtures/edge.yaml', () => {
  it('emits, or refuses with a SpecModelError naming a JSON pointer', async () => {
    try {
      const out = await emitFrom(EDGE);
      expect(run(out, 'import agenttrustid.types, agenttrustid._client').stderr).toBe('');
    } catch (error) {
      expect(error).toBeInstanceOf(SpecModelError);
      expect((error as SpecModelError).pointer).toMatch(/^#\//);
    }
  });

  it('refuses error classes the runtime lacks, naming the x-sdk entry', async () => {
    const spec = edgeCopy((s) => {
      s['x-sdk'].errors.classes.by_status = { 400: 'bad_thing_error' };
    });
    await expect(emitFrom(spec)).rejects.toThrow(
      /^#\/x-sdk\/errors\/classes\/by_(code|status)\/\w+: error class '\w+' is \w+ in Python/,
    );
  });

  it('refuses an x-sdk-cache eviction no cached operation can match, naming where', async () => {
    const spec = edgeCopy((s) => {
      withPythonErrorClasses(s);
      s.paths['/v1/things/{thing_id}'].get['x-sdk-cache'] = {
        evict: { field: 'nothing', param: 'thing_id' },
      };
    });
    await expect(emitFrom(spec)).rejects.toThrow(
      "#/paths/~1v1~1things~1{thing_id}/get/x-sdk-cache/evict/field: no cached operation has 'nothing'",
    );
  });

  it('emits code that imports and decodes: keywords, x-names, unions, maps, inline types, facts', async () => {
    const out = await emitFrom(edgeCopy(withPythonErrorClasses));
    const check = run(
      out,
      `
from agenttrustid import _facts
from agenttrustid.exceptions import error_from_response, NotFoundError, ValidationError, InternalServerError
from agenttrustid.types import Thing, CreateThingRequestSize, Circle, Square, Cat
from agenttrustid.resources.things import Things
import inspect
thing = Thing.model_validate({"id": "t1", "from": None, "class": "c", "shape": {"side": 2}, "pet": {"pet_type": "cat", "lives": 9},
                              "counts": {"camelKey": 1}, "when": "2026-11-22T10:00:00Z", "secret": "s3cr3t", "nested": {"depth": 2}})
assert thing.from_ is None and thing.klass == "c"
assert isinstance(thing.shape, Square) and isinstance(thing.pet, Cat)
assert thing.counts == {"camelKey": 1} and thing.nested.depth == 2
assert "s3cr3t" not in repr(thing)
dumped = thing.to_dict()
assert dumped["from"] is None and dumped["class"] == "c" and "from_" not in dumped
other = Thing.model_validate({"id": "t2", "from": "x", "shape": {"radius": 1.5}, "pet": {"pet_type": "parrot"}, "counts": {}, "when": "2026-11-22T10:00:00Z"})
assert isinstance(other.shape, Circle) and type(other.pet).__name__ == "UnknownVariant"
assert CreateThingRequestSize("2xl") is CreateThingRequestSize.V2XL and CreateThingRequestSize("huge").value == "huge"
params = list(inspect.signature(Things.create).parameters)
assert params[:2] == ["self", "from_"] and "klass" in params, params
assert "class_" in inspect.signature(Things.get).parameters
# The facts are edge.yaml's, and the runtime maps errors by them.
assert (_facts.MAX_TOOL_NAME, _facts.TIMEOUT_MS, _facts.BASE_URL_ENV) == (1, 1000, ("EDGE_URL",))
assert _facts.RETRY_STATUSES == frozenset(range(500, 600))
assert type(error_from_response(404, None, None)) is NotFoundError
assert error_from_response(502, None, None).code == "VALIDATION_ERROR"
assert type(error_from_response(502, None, None)) is InternalServerError
assert type(error_from_response(400, {"code": "NOT_FOUND", "message": "m"}, None)) is NotFoundError
# x-sdk-generate: a left-out nonce is filled with a fresh UUID, the caller's is kept.
import uuid
from agenttrustid._models import fill_generated
source = inspect.getsource(Things.poke)
assert '"nonce": nonce if nonce is not None else new_uuid()' in source, source
filled = fill_generated({"message": {"role": "user"}, "items": [{}, {"id": "x"}]}, {"message": {"id": "uuid"}, "items": [{"id": "uuid"}]})
assert uuid.UUID(filled["message"]["id"]).version == 4 and filled["items"][1]["id"] == "x"
assert filled["items"][0]["id"] not in (filled["message"]["id"], "x")
print("ok")
`,
    );
    expect(check.stderr).toBe('');
    expect(check.stdout.trim()).toBe('ok');
  });
});
