#!/usr/bin/env bash
# Starts the built CLI on a free loopback port, calls every operation of the spec with curl,
# sends a bounded burst of garbage, checks the server still answers, and stops it with SIGTERM.
# Prints one line per call: operationId, HTTP status, and a short excerpt of the answer.
# Usage: bash scripts/curl-every-operation.sh   (after `pnpm build`; needs curl and jq)
set -euo pipefail
cd "$(dirname "$0")/.."

log=$(mktemp)
node dist/cli.js --port 0 >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 50); do [ -s "$log" ] && break; sleep 0.1; done
URL=$(head -1 "$log")
echo "server: $URL (pid $pid)"

KEY='Authorization: Bearer sk_test_agenttrust'
JSON='Content-Type: application/json'
last=''
# call <operationId> <method> <path> [json body]: prints "op status excerpt", keeps the body in $last.
call() {
  local op=$1 method=$2 path=$3 body=${4:-}
  local args=(-s -o /tmp/mg-body -w '%{http_code}' -X "$method" -H "$KEY")
  [ -n "$body" ] && args+=(-H "$JSON" -d "$body")
  [ "$op" = getPublicAgentCard ] && args=(-s -o /tmp/mg-body -w '%{http_code}' -X "$method")
  local status
  status=$(curl "${args[@]}" "$URL$path")
  last=$(cat /tmp/mg-body)
  printf '%-28s %s %s\n' "$op" "$status" "$(printf '%s' "$last" | tr -d '\n' | cut -c1-110)"
}
field() { printf '%s' "$last" | jq -r "$1"; }

call createAgent POST /v1/agents '{"name":"alice","framework":"langchain","capabilities":["web:search","files:read","db:*"]}'
A=$(field .id)
call createAgent POST /v1/agents '{"name":"bob","capabilities":["web:search"]}'
B=$(field .id)
call listAgents GET '/v1/agents?status=active'
call getAgent GET "/v1/agents/$A"
call issueToken POST /v1/tokens "{\"agent_id\":\"$A\",\"scopes\":[\"files:read\"],\"ttl_seconds\":300}"
T=$(field .token)
call introspectToken POST /v1/tokens/introspect "{\"token\":\"$T\"}"
call initSession POST /v1/sessions "{\"agent_id\":\"$A\",\"server_id\":\"mcp-code-tools\"}"
S=$(field .session_id)
call checkAction POST /v1/actions/check "{\"agent_id\":\"$A\",\"tool_name\":\"web_search\",\"session_id\":\"$S\"}"
call checkAction POST /v1/actions/check "{\"agent_id\":\"$A\",\"tool_name\":\"db_delete\",\"session_id\":\"$S\"}"
P=$(field .approval_id)
call listApprovals GET /v1/approvals
call getApproval GET "/v1/approvals/$P"
call approveApproval POST "/v1/approvals/$P/approve" '{"decided_by":"admin@company.com"}'
call checkAction POST /v1/actions/check "{\"agent_id\":\"$A\",\"tool_name\":\"db_delete\",\"session_id\":\"$S\"}"
call checkAction POST /v1/actions/check "{\"agent_id\":\"$A\",\"tool_name\":\"db_drop\",\"session_id\":\"$S\"}"
P2=$(field .approval_id)
call denyApproval POST "/v1/approvals/$P2/deny" '{"decided_by":"security@company.com"}'
call getSession GET "/v1/sessions/$S"
call ingestTelemetry POST /v1/telemetry "{\"events\":[{\"tool_name\":\"web_search\",\"success\":true,\"duration_ms\":12,\"agent_id\":\"$A\",\"session_id\":\"$S\",\"timestamp\":\"2026-11-22T10:00:01Z\"}]}"
call initApiSession POST /v1/sessions/api "{\"token\":\"$T\"}"
call revokeToken POST /v1/tokens/revoke "{\"token\":\"$T\"}"
call registerMcpServer POST /v1/mcp/servers '{"name":"code-tools","url":"https://mcp.example.com","capabilities":["web_search"]}'
M=$(field .id)
call listMcpServers GET /v1/mcp/servers
call callMcpTool POST "/v1/mcp/servers/$M/rpc" "{\"method\":\"tools/call\",\"params\":{\"name\":\"web_search\",\"arguments\":{\"q\":\"AI\"}},\"session_id\":\"$S\"}"
call removeMcpServer DELETE "/v1/mcp/servers/$M"
call generateAgentCard POST "/v1/agents/$A/card"
call getPublicAgentCard GET "/a2a/agents/$A/agent.json"
call publishAgentCard POST "/v1/agents/$A/card/publish"
call getPublicAgentCard GET "/a2a/agents/$A/agent.json"
call sendA2aMessage POST "/v1/a2a/agents/$B/messages" "{\"message\":{\"role\":\"user\",\"parts\":[{\"kind\":\"text\",\"text\":\"find papers\"}]},\"source_agent_id\":\"$A\"}"
K=$(field .id)
call getA2aTask GET "/v1/a2a/tasks/$K"
call getA2aTask GET "/v1/a2a/tasks/$K"
call sendA2aTask POST /v1/a2a/tasks/send "{\"source_agent_id\":\"$A\",\"target_agent_id\":\"$B\",\"message\":\"summarize\"}"
call cancelA2aTask POST "/v1/a2a/tasks/$(field .id)/cancel"
call createDelegation POST /v1/delegations "{\"from_agent_id\":\"$A\",\"to_agent_id\":\"$B\",\"scope\":[\"files:read\"],\"ttl_seconds\":3600}"
D=$(field .id)
call createDelegation POST /v1/delegations "{\"from_agent_id\":\"$B\",\"to_agent_id\":\"$A\",\"scope\":[\"db:drop\"]}"
call listDelegations GET "/v1/delegations?agent_id=$B"
call initDelegationSession POST "/v1/delegations/$D/sessions"
call revokeDelegation POST "/v1/delegations/$D/revoke"
call registerFederationProvider POST /v1/federation/providers '{"issuer":"https://issuer.example.com","name":"Example","trust_level":"high"}'
JWT="$(printf '{"alg":"none"}' | base64 -w0 | tr '+/' '-_' | tr -d =).$(printf '{"iss":"https://issuer.example.com","sub":"alice","scope":"files:read","exp":4102444800}' | base64 -w0 | tr '+/' '-_' | tr -d =)."
call verifyFederatedToken POST /v1/federation/verify "{\"token\":\"$JWT\"}"
call initFederatedSession POST /v1/federation/sessions "{\"token\":\"$JWT\"}"
call createSiemDestination POST /v1/streaming/destinations '{"name":"Splunk","destination_type":"splunk","endpoint_url":"https://splunk.example.com/hec","auth_token":"hec-secret"}'
X=$(field .id)
call listSiemDestinations GET /v1/streaming/destinations
call testSiemDestination POST "/v1/streaming/destinations/$X/test"
call getSiemDeliveryLog GET "/v1/streaming/destinations/$X/deliveries"
call deleteSiemDestination DELETE "/v1/streaming/destinations/$X"
call suspendAgent POST "/v1/agents/$B/suspend"
call activateAgent POST "/v1/agents/$B/activate"
call revokeAgent POST "/v1/agents/$A/revoke" '{"reason":"compromised"}'
call checkAction POST /v1/actions/check "{\"agent_id\":\"$A\",\"tool_name\":\"web_search\"}"

echo "--- admin, auth, validation, faults"
curl -s -o /dev/null -w 'POST /__mock/clock -> %{http_code} ' -X POST -d '{"advance_ms":300000}' "$URL/__mock/clock"; echo
curl -s -w ' <- POST /__mock/faults\n' -X POST -d '{"operation":"listAgents","kind":"status","status":429,"retry_after":2,"times":1}' "$URL/__mock/faults"
curl -s -o /dev/null -D - -H "$KEY" "$URL/v1/agents" | grep -iE '^(HTTP|retry-after)' | tr -d '\r' | paste -sd' '
curl -s -w ' <- no key\n' "$URL/v1/agents"
curl -s -w ' <- read-only key POST\n' -H 'Authorization: Bearer sk_test_readonly' -H "$JSON" -d '{"name":"x"}' "$URL/v1/agents"
curl -s -w ' <- bad field\n' -H "$KEY" -H "$JSON" -d '{"name":"x","capabilities":[""]}' "$URL/v1/agents"
curl -s -X POST -d '{"operation":"*","kind":"drop","times":1}' "$URL/__mock/faults" >/dev/null
curl -s -H "$KEY" "$URL/v1/agents" -o /dev/null -w 'dropped request -> %{http_code} (curl exit %{exitcode})\n' || true
echo "recorded requests: $(curl -s "$URL/__mock/requests" | jq length); secrets in them: $(curl -s "$URL/__mock/requests" | grep -c -e hec-secret -e "$T" -e sk_test_agenttrust || true)"

echo "--- garbage burst: 500 requests, 20 at a time"
burst() {
  local i=$1
  case $((i % 10)) in
    0) head -c 200 /dev/urandom | curl -s -o /dev/null -w '%{http_code}\n' -H "$KEY" -H "$JSON" --data-binary @- "$URL/v1/actions/check" ;;
    1) curl -s -o /dev/null -w '%{http_code}\n' -H "$KEY" -H "$JSON" -d '{"agent_id":' "$URL/v1/actions/check" ;;
    2) curl -s -o /dev/null -w '%{http_code}\n' -H "$KEY" -H 'Content-Type: text/xml' -d '<x/>' "$URL/v1/agents" ;;
    3) head -c 1100000 /dev/zero | curl -s -o /dev/null -w '%{http_code}\n' -H "$KEY" -H "$JSON" --data-binary @- "$URL/v1/telemetry" ;;
    4) curl -s -o /dev/null -w '%{http_code}\n' -X PATCH -H "$KEY" "$URL/v1/agents" ;;
    5) curl -s -o /dev/null -w '%{http_code}\n' -H "$KEY" "$URL/v1/$(head -c 30 /dev/urandom | base64 | tr -d '/+=')" ;;
    6) curl -s -o /dev/null -w '%{http_code}\n' -H 'Authorization: Bearer nope' "$URL/v1/agents" ;;
    7) (exec 3<>"/dev/tcp/127.0.0.1/${URL##*:}"; head -c 300 /dev/urandom >&3; timeout 2 head -c 12 <&3 | cut -c10-12; exec 3>&-) 2>/dev/null || echo reset ;;
    8) curl -s -o /dev/null -w '%{http_code}\n' -H "$KEY" -H "$JSON" -d "{\"name\":\"$(printf 'x%.0s' $(seq 200))\"}" "$URL/v1/agents" ;;
    9) curl -s -o /dev/null -w '%{http_code}\n' -H "$KEY" -H "$JSON" -d '[1,2,3]' "$URL/v1/delegations" ;;
  esac
}
export -f burst
export URL KEY JSON
seq 500 | xargs -P 20 -I{} bash -c 'burst {}' | sort | uniq -c | sort -rn | sed 's/^/  /'
curl -s -o /dev/null -w 'after the burst: GET /v1/agents -> %{http_code}\n' -H "$KEY" "$URL/v1/agents"
echo "process alive: $(kill -0 "$pid" 2>/dev/null && echo yes || echo no); log lines: $(wc -l <"$log")"
kill -TERM "$pid"
wait "$pid" && echo "SIGTERM: exit 0"
trap 'rm -f "$log"' EXIT
