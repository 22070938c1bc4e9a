/** `_client.py`, `__init__.py`, `_version.py`, `resources/__init__.py` and `pyproject.toml`. */

import { code } from '../../src/emit/template.ts';
import type { ApiModel } from '../../src/model/index.ts';
import { pyField, pyMember, pyResourceClass, pyStr } from '../naming.ts';
import { method, pyResources, rawClass } from './resources.ts';

/** The constructor argument of a split-deployment service's base URL (`auth` -> `auth_url`). */
const serviceArg = (name: string) =>
  pyField({ wire: `${name}_url`, words: [...name.split('_'), 'url'], overrides: {} });

export function clientModule(model: ApiModel, header: string): string {
  const services = model.facts.defaults.services;
  const roots = model.operations.filter((op) => op.root);
  const used = new Set<string>();
  const rootMethods = (isAsync: boolean) => roots.map((op) => method(model, op, isAsync, used, true));
  const syncRoots = rootMethods(false);
  const asyncRoots = rootMethods(true);
  const datetime = used.delete('datetime');
  const typeNames = [...used].sort();
  const rootText = [...syncRoots, ...asyncRoots].join('\n');
  const typing = ['Any', 'Sequence'].filter((n) => new RegExp(`\\b${n}\\b`).test(rootText));
  const resources = pyResources(model).map((r) => ({
    attr: pyMember(r.name),
    module: pyMember(r.name),
    sync: pyResourceClass(r.name, false),
    async: pyResourceClass(r.name, true),
    rawSync: rawClass(r, false),
    rawAsync: rawClass(r, true),
  }));
  const rootNames = roots.map((op) => pyMember(op.name));
  const rawClient = (isAsync: boolean) => {
    const name = isAsync ? 'AsyncAgentTrustClient' : 'AgentTrustClient';
    const wrap = isAsync ? 'async_to_raw_response_wrapper' : 'to_raw_response_wrapper';
    return code`
      class ${name}WithRawResponse:
          """\`${isAsync ? 'async_client' : 'client'}.with_raw_response\`: every method of the client, each returning a
          \`RawResponse\` of the answer (\`.parse()\`, \`.status_code\`, \`.headers\`, \`.request_id\`)."""

          def __init__(self, client: ${name}) -> None:
              ${resources.map((r) => `self.${r.attr} = ${isAsync ? r.rawAsync : r.rawSync}(client.${r.attr})`)}
              ${rootNames.map((n) => `self.${n} = ${wrap}(client.${n})`)}
    `;
  };
  const client = (isAsync: boolean) => {
    const name = isAsync ? 'AsyncAgentTrustClient' : 'AgentTrustClient';
    const base = isAsync ? 'AsyncAPIClient' : 'SyncAPIClient';
    const http = isAsync ? 'httpx.AsyncClient' : 'httpx.Client';
    return code`
      class ${name}(${base}):
          """The ${isAsync ? 'asynchronous' : 'synchronous'} AgentTrust ID client: one attribute per spec tag.

          \`base_url\` defaults to ${model.facts.defaults.env.baseUrl.join(' / ')}, then ${model.facts.defaults.baseUrl};
          \`api_key\` to ${model.facts.defaults.env.apiKey.join(' / ')}. Use \`${name}.from_env()\` to require both from the
          environment, or \`${name}.from_config(path)\` to read a JSON file. ${services.map((s) => `\`${serviceArg(s.name)}\` (${s.env.join(' / ')})`).join(', ')}: the
          base URLs of a split deployment (default: the gateway's; a base URL with ${services
            .flatMap((s) => (s.derive ? [`${s.derive.from} gives ${s.derive.to} for ${s.name}`] : []))
            .join(', ')}). \`verify_tls=False\` turns TLS certificate checks off, for local development only.
          \`max_response_bytes\` caps an answer's size (default 32 MiB); \`timeout\` bounds each whole attempt.
          \`key_store\` keeps the agent key pairs \`agents.create\` generates (default: a \`MemoryKeyStore\`).
          Safe to share between ${isAsync ? 'tasks' : 'threads'}; close it (or use it as a context manager)
          to release its connections.
          """

          ${resources.map((r) => `${r.attr}: ${isAsync ? r.async : r.sync}`)}

          def __init__(
              self,
              *,
              base_url: str | None = None,
              ${services.map((s) => `${serviceArg(s.name)}: str | None = None,`)}
              api_key: str | None = None,
              timeout: float = DEFAULT_TIMEOUT,
              max_retries: int = DEFAULT_MAX_RETRIES,
              default_headers: Mapping[str, str] | None = None,
              http_client: ${http} | None = None,
              verify_tls: bool = True,
              max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
              key_store: KeyStore | None = None,
          ) -> None:
              super().__init__(
                  base_url=base_url,
                  service_urls={${services.map((s) => `${pyStr(s.name)}: ${serviceArg(s.name)}`).join(', ')}},
                  verify_tls=verify_tls,
                  api_key=api_key,
                  timeout=timeout,
                  max_retries=max_retries,
                  default_headers=default_headers,
                  http_client=http_client,
                  max_response_bytes=max_response_bytes,
                  key_store=key_store,
              )
              ${resources.map((r) => `self.${r.attr} = ${isAsync ? r.async : r.sync}(self)`)}

          @cached_property
          def with_raw_response(self) -> ${name}WithRawResponse:
              """The same methods, each returning a \`RawResponse\` (the typed value as \`.parse()\`, the
              HTTP \`status_code\`, \`headers\` and the gateway's \`request_id\`) without a second request:
              \`${isAsync ? 'await async_client' : 'client'}.with_raw_response.agents.create(name="bot")\`."""
              return ${name}WithRawResponse(self)

          ${isAsync ? asyncRoots : syncRoots}
    `;
  };
  return code`
    ${header}
    """The clients: \`AgentTrustClient\` (sync, as in the guide) and \`AsyncAgentTrustClient\`."""

    from __future__ import annotations

    ${datetime && 'from datetime import datetime'}
    from functools import cached_property
    from typing import ${['Mapping', ...typing].sort().join(', ')}

    import httpx

    from . import _operations as _ops
    from ._base_client import AsyncAPIClient, RequestOptions, SyncAPIClient
    ${rootText.includes('drop_none(') && 'from ._resource import drop_none'}
    ${typeNames.length > 0 && `from .types import ${typeNames.join(', ')}`}
    from ._constants import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
    from ._response import async_to_raw_response_wrapper, to_raw_response_wrapper
    from .identity import KeyStore
    ${resources.map((r) => `from .resources.${r.module} import ${[r.async, r.rawAsync, r.sync, r.rawSync].join(', ')}`)}

    __all__ = [
        "AgentTrustClient",
        "AgentTrustClientWithRawResponse",
        "AsyncAgentTrustClient",
        "AsyncAgentTrustClientWithRawResponse",
    ]


    ${client(false)}


    ${client(true)}


    ${rawClient(false)}


    ${rawClient(true)}
  `;
}

export function resourcesInit(model: ApiModel, header: string): string {
  const names = pyResources(model).flatMap((r) => [
    pyResourceClass(r.name, false),
    pyResourceClass(r.name, true),
  ]);
  return code`
    ${header}
    """One module per spec tag."""

    ${pyResources(model).map(
      (r) =>
        `from .${pyMember(r.name)} import ${pyResourceClass(r.name, true)}, ${pyResourceClass(r.name, false)}`,
    )}

    __all__ = [${names.map(pyStr).join(', ')}]
  `;
}

export function versionModule(model: ApiModel, header: string, version: string): string {
  return code`
    ${header}
    """The SDK's version and the spec it was generated from."""

    VERSION = ${pyStr(version)}
    SPEC_VERSION = ${pyStr(model.version)}
  `;
}

export function packageInit(
  model: ApiModel,
  header: string,
  exceptionNames: string[],
  official: { models: string[]; compat: string[] },
  identityNames: string[],
): string {
  void model;
  const models = official.models;
  const compat = official.compat.filter((n) => !models.includes(n));
  return code`
    ${header}
    """AgentTrust ID SDK for Python: \`AgentTrustClient\` for every gateway endpoint, and
    \`agenttrustid.guard.ATIGuard\` for the check-then-report pattern around tool calls. The
    official client's names (\`AgentTrustGuard\`, \`MCPAPI\`, \`SIEMDestination\`, ...) are aliases."""

    from importlib import import_module
    from typing import Any

    from ._base_client import RequestOptions
    from ._client import AgentTrustClient, AsyncAgentTrustClient
    from ._response import RawResponse
    from ._version import VERSION as __version__
    from .identity import ${identityNames.join(', ')}
    from .exceptions import (
        ${exceptionNames.map((n) => `${n},`)}
    )

    # The official names load on first use: they name the spec's schemas, and importing the
    # client alone should not build them.
    _OFFICIAL = {${[...compat.map((n) => `${pyStr(n)}: "._compat"`), ...models.map((n) => `${pyStr(n)}: ".models"`)].join(', ')}}


    def __getattr__(name: str) -> Any:
        if name in _OFFICIAL:
            return getattr(import_module(_OFFICIAL[name], __name__), name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


    __all__ = [
        "AgentTrustClient",
        "AsyncAgentTrustClient",
        "RawResponse",
        "RequestOptions",
        "__version__",
        ${identityNames.map((n) => `${pyStr(n)},`)}
        ${exceptionNames.map((n) => `${pyStr(n)},`)}
        ${compat.map((n) => `${pyStr(n)},`)}
        ${models.map((n) => `${pyStr(n)},`)}
    ]
  `;
}
