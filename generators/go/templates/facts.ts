/**
 * `facts.go`: the spec's root `x-sdk` facts (defaults, limits, retry, breaker and telemetry
 * settings, environment variable names, the status -> error code map) as Go constants and
 * functions. The runtime uses these names and types none of the numbers itself.
 */
import { code } from '../../src/emit/template.ts';
import { type ApiModel, type EnumType, SpecModelError, splitWords } from '../../src/model/index.ts';
import { exported, pascalWords, quote } from '../naming.ts';
import type { GoImports } from './file.ts';
import { enumConst } from './types.ts';

/** A duration in milliseconds as a Go expression (`30 * time.Second`, `500 * time.Millisecond`). */
function duration(ms: number, time: string): string {
  const [n, unit] = ms % 1000 === 0 ? [ms / 1000, 'Second'] : [ms, 'Millisecond'];
  return n === 1 ? `${time}.${unit}` : `${n} * ${time}.${unit}`;
}

/** `Env` + the variable's name without the prefix all of them share (`AGENTTRUST_URL` -> `EnvURL`). */
function envConsts(names: string[]): { name: string; value: string }[] {
  let prefix = names[0] ?? '';
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  prefix = prefix.slice(0, prefix.lastIndexOf('_') + 1);
  return names.map((value) => ({ name: `Env${pascalWords(splitWords(value.slice(prefix.length)))}`, value }));
}

export function factsFile(model: ApiModel, imports: GoImports): string {
  const { defaults, limits, errors } = model.facts;
  const time = imports.use('time');
  const env = envConsts([
    ...defaults.env.baseUrl,
    ...defaults.env.apiKey,
    ...defaults.services.flatMap((x) => x.env),
  ]);
  const serviceOption = (name: string) => `With${pascalWords(splitWords(name))}URL`;
  // The config file's keys: the gateway's URL and key, and each service's `<name>_url`.
  const configOption = (key: string): string => {
    if (key === 'base_url') return 'WithBaseURL';
    if (key === 'api_key') return 'WithAPIKey';
    const svc = defaults.services.find((x) => `${x.name}_url` === key);
    if (!svc)
      throw new SpecModelError(
        `config_file_keys: no option for '${key}' (base_url, api_key, <service>_url)`,
        '#/x-sdk/defaults/config_file_keys',
      );
    return serviceOption(svc.name);
  };
  const envOf = (list: string[]) => list.map((v) => env.find((e) => e.value === v)!.name).join(', ');
  const retry = defaults.retry;
  const errorCode = model.types.find((t): t is EnumType => t.kind === 'enum' && t.name.wire === 'ErrorCode')!;
  const codeConst = (wire: string) => enumConst(errorCode, errorCode.values.find((v) => v.value === wire)!);
  return code`
    // The spec's facts (its root x-sdk): every SDK of this API shares these values.

    // Defaults of a new Client.
    const (
        // DefaultBaseURL is the gateway used when neither WithBaseURL nor the environment names another.
        DefaultBaseURL = ${quote(defaults.baseUrl)}
        // DefaultTimeout bounds each attempt of a request.
        DefaultTimeout = ${duration(defaults.timeoutMs, time)}
        // DefaultMaxRetries is how many times a failed request is retried after the first attempt.
        DefaultMaxRetries = ${defaults.maxRetries}
    )

    // Retry pacing: the first retry waits about initialRetryDelay, each next one twice as long, up
    // to maxRetryDelay; a Retry-After of up to maxRetryAfter is waited out instead.
    const (
        initialRetryDelay = ${duration(retry.initialDelayMs, time)}
        maxRetryDelay = ${duration(retry.maxDelayMs, time)}
        maxRetryAfter = ${duration(retry.maxRetryAfterMs, time)}
    )

    // retryableStatus reports whether an answer with this HTTP status is retried.
    func retryableStatus(status int) bool {
        switch {
        case ${[
          retry.statuses.length > 0 && retry.statuses.map((s) => `status == ${s}`).join(' || '),
          ...retry.statusRanges.map(([lo, hi]) => `status >= ${lo} && status <= ${hi}`),
        ]
          .filter(Boolean)
          .join(',\n')}:
            return true
        }
        return false
    }

    // Environment variables read by FromEnv, in the order they are read.
    const (
        ${env.map((e) => `${e.name} = ${quote(e.value)}`)}
    )

    var (
        envBaseURL = []string{${envOf(defaults.env.baseUrl)}}
        envAPIKey = []string{${envOf(defaults.env.apiKey)}}
    )

    // serviceDefaults are the services of a split deployment: the environment variables naming
    // each one's base URL, and how it derives from the gateway's base URL (from -> to) otherwise.
    var serviceDefaults = []struct {
        name, from, to string
        env []string
        option func(string) Option
    }{
        ${defaults.services.map(
          (x) =>
            `{name: ${quote(x.name)}, from: ${quote(x.derive?.from ?? '')}, to: ${quote(x.derive?.to ?? '')}, env: []string{${envOf(x.env)}}, option: ${serviceOption(x.name)}},`,
        )}
    }
    ${defaults.services.map(
      (x) => code`

      // ${serviceOption(x.name)} sets the base URL of the ${x.name} service of a split deployment (the
      // operations the spec routes to it). Without it, the URL comes from ${x.env.join(' or ')} (FromEnv),
      // else from the gateway's base URL${x.derive ? ` with ${quote(x.derive.from)} replaced by ${quote(x.derive.to)} when it contains it, else that URL itself` : ''}.
      func ${serviceOption(x.name)}(baseURL string) Option {
          return withServiceURL(${quote(x.name)}, ${quote(serviceOption(x.name))}, baseURL)
      }`,
    )}

    // configFileKeys are the keys FromConfig reads from a JSON config file.
    var configFileKeys = []string{${defaults.configFileKeys.map(quote).join(', ')}}

    // configOption is the option a config file key sets.
    func configOption(key, value string) Option {
        switch key {
        ${defaults.configFileKeys.map(
          (k) => code`
          case ${quote(k)}:
              return ${configOption(k)}(value)`,
        )}
        }
        return nil
    }

    // Circuit breaker defaults of a Guard.
    const (
        // DefaultBreakerThreshold is how many Guardian failures within DefaultBreakerWindow open the
        // breaker.
        DefaultBreakerThreshold = ${defaults.breaker.failureThreshold}
        // DefaultBreakerWindow is the window those failures must fall in.
        DefaultBreakerWindow = ${duration(defaults.breaker.windowMs, time)}
        // DefaultBreakerCooldown is how long an open breaker fails checks fast before it lets one
        // probe through.
        DefaultBreakerCooldown = ${duration(defaults.breaker.cooldownMs, time)}
    )

    // Telemetry defaults of a Guard.
    const (
        // DefaultBatchSize is how many reports go in one telemetry request (the gateway takes
        // maxTelemetryBatch).
        DefaultBatchSize = ${defaults.telemetry.batchSize}
        // DefaultQueueCapacity is how many reports wait in memory at most; past it, new reports are
        // dropped and counted.
        DefaultQueueCapacity = ${defaults.telemetry.capacity}
        // DefaultFlushInterval is how long a partial batch waits before it is sent anyway.
        DefaultFlushInterval = ${duration(defaults.telemetry.flushIntervalMs, time)}
    )

    // Agent identity constants.
    const (
        // popMessageTemplate is what an agent key signs for a proof of possession (UTF-8):
        // {nonce}, {agent_id}, {audience} (joined by ","), {ts} (unix seconds).
        popMessageTemplate = ${quote(model.facts.identity.popMessage)}
        // credentialsRefreshBefore is how long before expiry credentials renew their token.
        credentialsRefreshBefore = ${duration(model.facts.identity.refreshBeforeMs, time)}
        // credentialsFallbackTTL is the lifetime assumed for a token whose expires_at does not parse.
        credentialsFallbackTTL = ${duration(model.facts.identity.fallbackTtlMs, time)}
        dpopTyp = ${quote(model.facts.identity.dpop.typ)}
        dpopAlg = ${quote(model.facts.identity.dpop.alg)}
        // KeychainService is the OS keychain service name key stores use.
        KeychainService = ${quote(model.facts.identity.keychainService)}
    )

    // MaxSummaryRunes is the spec's cap on a tool-input summary, in code points.
    const MaxSummaryRunes = ${limits.summary}

    const (
        // maxTelemetryBatch is the most reports one telemetry request may carry.
        maxTelemetryBatch = ${limits.telemetryBatch}
        // maxToolNameRunes caps a tool name, in code points.
        maxToolNameRunes = ${limits.toolName}
        // maxErrorTypeRunes caps a reported error type, in code points.
        maxErrorTypeRunes = ${limits.errorType}
        maxSessionIDRunes = ${limits.sessionId}
    )

    // codeForStatus is the code an error status implies when the body carries none this SDK knows
    // (a proxy's HTML page, a code from a newer gateway).
    func codeForStatus(status int) ErrorCode {
        switch status {
        ${errors.codeByStatus.map(
          (e) => code`
          case ${e.status}:
              return ${codeConst(e.code)}`,
        )}
        }
        if status >= 500 && status <= 599 {
            return ${codeConst(errors.otherServerCode)}
        }
        return ${codeConst(errors.otherCode)}
    }

    ${errorClasses(model)}
  `;
}

/**
 * The error classes of `x-sdk.errors.classes`: one struct per class embedding AgentTrustError
 * (so `errors.As` finds the class and the base alike), and `classified`, which picks the class
 * of a gateway error, first by its code, then by its status, else leaves the base type.
 */
function errorClasses(model: ApiModel): string {
  const { classes } = model.facts.errors;
  const errorCode = model.types.find((t): t is EnumType => t.kind === 'enum' && t.name.wire === 'ErrorCode')!;
  const codeConst = (wire: string) => enumConst(errorCode, errorCode.values.find((v) => v.value === wire)!);
  const decl = (name: string, doc: string) => code`

    // ${name} ${doc}
    // It embeds the *AgentTrustError (Code, Message, Details, Status, RequestID), which
    // errors.As finds too.
    type ${name} struct {
        AgentTrustError
    }

    // Unwrap returns the embedded *AgentTrustError, so errors.As(err, &atiErr) matches too.
    func (e *${name}) Unwrap() error { return &e.AgentTrustError }`;
  const server = exported(classes.serverError);
  return code`
    // The error classes of a gateway's error answer (the spec's x-sdk.errors.classes): each call
    // that fails with an HTTP error returns one of these when its code or status has a class,
    // else an *AgentTrustError. Match with errors.As.
    ${classes.byCode.map((c) => decl(exported(c.class), `is a gateway error answer with code ${c.code}, whatever its status.`))}
    ${classes.byStatus.map((c) => decl(exported(c.class), `is a gateway error answer with HTTP status ${c.status}.`))}
    ${decl(server, 'is a gateway error answer with an HTTP status from 500 to 599.')}

    // classified is e as its error class: by code, then by status, else e itself.
    func classified(e *AgentTrustError) error {
        switch e.Code {
        ${classes.byCode.map(
          (c) => code`
          case ${codeConst(c.code)}:
              return &${exported(c.class)}{*e}`,
        )}
        }
        switch e.Status {
        ${classes.byStatus.map(
          (c) => code`
          case ${c.status}:
              return &${exported(c.class)}{*e}`,
        )}
        }
        if e.Status >= 500 && e.Status <= 599 {
            return &${server}{*e}
        }
        return e
    }
  `;
}
