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

KEY='X-API-Key: sk_test_agenttrust'
JSON='Content-Type: application/json'
last=''
seen=''
# call <operationId> <method> <path> [json body] [extra header...]: prints "op status excerpt",
# keeps the body in $last.
call() {
  local op=$1 method=$2 path=$3 body=${4:-}
  shift 4 2>/dev/null || shift $#
  local args=(-s -o /tmp/mg-body -w '%{http_code}' -X "$method")
  [ "$op" = getPublicAgentCard ] || args+=(-H "$KEY")
  [ -n "$body" ] && args+=(-H "$JSON" -d "$body")
  for header in "$@"; do args+=(-H "$header"); done
  local status
  status=$(curl "${args[@]}" "$URL$path")
  last=$(cat /tmp/mg-body)
  seen="$seen $op"
  printf '%-28s %s %s\n' "$op" "$status" "$(printf '%s' "$last" | tr -d '\n' | cut -c1-110)"
}
field() { printf '%s' "$last" | jq -r "$1"; }
rpc() { printf '{"jsonrpc":"2.0","id":%s,"method":"%s","params":%s}' "$1" "$2" "$3"; }

call getHealth GET /health
call createAgent POST /api/v1/agents '{"name":"alice","framework":"langchain","capabilities":["web:search","files:read","db:*"],"metadata":{}}'
A=$(field .agent.id)
call createAgent POST /api/v1/agents '{"name":"bob","capabilities":["web:search"]}'
B=$(field .agent.id)
call listAgents GET /api/v1/agents
call getAgent GET "/api/v1/agents/$A"
call createAgentChallenge POST "/api/v1/agents/$A/challenge"
call issueToken POST /api/v1/agent-tokens/issue "{\"agent_id\":\"$A\",\"scopes\":[\"files:read\"],\"ttl\":300}"
T=$(field .token)
call introspectToken POST /api/v1/agent-tokens/introspect "{\"token\":\"$T\",\"target\":null,\"required_scopes\":[]}"
call initSession POST /mcp/sessions/init "{\"agent_id\":\"$A\",\"server_id\":\"mcp-code-tools\"}"
S=$(field .session_id)
call checkAction POST /api/v1/agenttrust/check "{\"agent_id\":\"$A\",\"action_name\":\"web_search\",\"action_source\":\"api\",\"session_id\":\"$S\",\"action_input_summary\":\"\"}"
call checkAction POST /api/v1/agenttrust/check "{\"agent_id\":\"$A\",\"action_name\":\"db_delete\",\"action_source\":\"api\",\"session_id\":\"$S\"}"
P=$(field .approval_id)
call getApproval GET "/mcp/approvals/$P"
call approveApproval POST "/mcp/approvals/$P/approve" '{"decided_by":"admin@company.com"}'
call checkAction POST /api/v1/agenttrust/check "{\"agent_id\":\"$A\",\"action_name\":\"db_delete\",\"action_source\":\"api\",\"session_id\":\"$S\"}"
call checkAction POST /api/v1/agenttrust/check "{\"agent_id\":\"$A\",\"action_name\":\"db_drop\",\"action_source\":\"api\",\"session_id\":\"$S\"}"
P2=$(field .approval_id)
call denyApproval POST "/mcp/approvals/$P2/deny" '{"decided_by":"security@company.com"}'
call getSession GET "/mcp/sessions/$S"
call reportTelemetry POST /api/v1/telemetry/report "{\"agent_id\":\"$A\",\"session_id\":\"$S\",\"events\":[{\"event_type\":\"tool_end\",\"tool_name\":\"web_search\",\"success\":true,\"duration_ms\":12,\"timestamp\":\"2026-11-22T10:00:01Z\"}]}"
call initApiSession POST /api/v1/agenttrust/api-sessions/init "{\"token\":\"$T\"}"
call revokeToken POST /api/v1/agent-tokens/revoke "{\"token\":\"$T\",\"reason\":\"manual_revocation\"}"
call registerMcpServer POST /mcp/servers '{"name":"code-tools","url":"https://mcp.example.com","capabilities":["web_search"]}'
M=$(field .id)
call listMcpServers GET /mcp/servers
call getMcpServer GET "/mcp/servers/$M"
call callMcpTool POST "/mcp/$M" "$(rpc 1 tools/call '{"name":"web_search","arguments":{"q":"AI"}}')" "X-Agent-ID: $A" "X-Session-ID: $S"
call callMcpTool POST "/mcp/$M" "$(rpc 1 tools/call '{"name":"db_delete","arguments":{}}')" "X-Agent-ID: $A"
call removeMcpServer DELETE "/mcp/servers/$M"
call generateAgentCard POST "/api/v1/agents/$A/card"
call getAgentCard GET "/api/v1/agents/$A/card"
call getPublicAgentCard GET "/a2a/agents/$A/agent.json"
call publishAgentCard PUT "/api/v1/agents/$A/card/publish"
call getPublicAgentCard GET "/a2a/agents/$A/agent.json"
call sendA2aMessage POST "/a2a/agents/$B" "$(rpc '"1"' message/send '{"message":{"role":"user","parts":[{"kind":"text","text":"find papers"}],"messageId":"m-1"}}')"
call a2aTasksRpc POST /a2a "$(rpc 1 tasks/send "{\"source_agent_id\":\"$A\",\"target_agent_id\":\"$B\",\"message\":\"summarize\"}")"
K=$(field .result.id)
call a2aTasksRpc POST /a2a "$(rpc '"2"' tasks/get "{\"id\":\"$K\"}")"
call a2aTasksRpc POST /a2a "$(rpc 3 tasks/get "{\"task_id\":\"$K\"}")"
call a2aTasksRpc POST /a2a "$(rpc '"4"' tasks/cancel "{\"id\":\"$K\"}")"
call a2aTasksRpc POST /a2a "$(rpc '"5"' tasks/list '{"limit":50}')"
call createDelegation POST /api/v1/delegations "{\"from_agent_id\":\"$A\",\"to_agent_id\":\"$B\",\"scope\":[\"files:read\"],\"ttl_seconds\":3600}"
D=$(field .delegation.id)
call createDelegation POST /api/v1/delegations "{\"from_agent_id\":\"$B\",\"to_agent_id\":\"$A\",\"scope\":[\"db:drop\"]}"
call listDelegations GET /api/v1/delegations
call getDelegation GET "/api/v1/delegations/$D"
call initDelegationSession POST "/api/v1/delegations/$D/session"
call revokeDelegation DELETE "/api/v1/delegations/$D"
call registerFederationProvider POST /api/v1/federation/providers '{"issuer":"https://issuer.example.com","name":"Example","trust_level":"high"}'
FP=$(field .provider.id)
call listFederationProviders GET /api/v1/federation/providers
JWT="$(printf '{"alg":"none"}' | base64 -w0 | tr '+/' '-_' | tr -d =).$(printf '{"iss":"https://issuer.example.com","sub":"alice","scope":"files:read","exp":4102444800}' | base64 -w0 | tr '+/' '-_' | tr -d =)."
call verifyFederatedToken POST /api/v1/federation/tokens/verify "{\"token\":\"$JWT\"}"
call introspectFederatedToken POST /api/v1/federation/tokens/introspect "{\"token\":\"$JWT\"}"
call initFederatedSession POST /api/v1/federation/sessions/init "{\"token\":\"$JWT\"}"
call issueFederatedToken POST /api/v1/federation/tokens/issue "{\"agent_id\":\"$A\",\"audience\":\"https://partner.example.com\",\"scopes\":[],\"ttl\":600}"
F=$(field .id_token)
call revokeFederatedToken POST /api/v1/federation/tokens/revoke "{\"token\":\"$F\"}"
call deleteFederationProvider DELETE "/api/v1/federation/providers/$FP"
call createSiemDestination POST /api/v1/siem/destinations '{"name":"Splunk","destination_type":"splunk","endpoint_url":"https://splunk.example.com/hec","auth_token":"hec-secret"}'
X=$(field .id)
call listSiemDestinations GET /api/v1/siem/destinations
call getSiemDestination GET "/api/v1/siem/destinations/$X"
call updateSiemDestination PUT "/api/v1/siem/destinations/$X" '{"batch_size":50}'
call testSiemDestination POST "/api/v1/siem/destinations/$X/test"
call getSiemDeliveryLog GET "/api/v1/siem/destinations/$X/logs"
call deleteSiemDestination DELETE "/api/v1/siem/destinations/$X"
call getOrgSecuritySettings GET /api/v1/orgs/security-settings
call issueWimseToken POST /api/v1/wimse/token "{\"agent_id\":\"$A\",\"audience\":[\"mcp://fs\"]}"
W=$(field .token)
call verifyWimseToken POST /api/v1/wimse/verify "{\"token\":\"$W\",\"trust_domain_filter\":\"ati\"}"
call checkAction POST /api/v1/agenttrust/check "{\"agent_id\":\"$A\",\"action_name\":\"web_search\",\"action_source\":\"api\"}" "Authorization: Bearer $W"
call updateOrgSecuritySettings PUT /api/v1/orgs/security-settings '{"require_proof_of_possession":false}'
curl -s -o /dev/null -w 'POST /__mock/agents/{id}/status -> %{http_code}\n' -X POST -d '{"status":"suspended"}' "$URL/__mock/agents/$B/status"
call checkAction POST /api/v1/agenttrust/check "{\"agent_id\":\"$B\",\"action_name\":\"web_search\",\"action_source\":\"api\"}"
call revokeAgent POST "/api/v1/agents/$A/revoke" '{"reason":"compromised"}'
call checkAction POST /api/v1/agenttrust/check "{\"agent_id\":\"$A\",\"action_name\":\"web_search\",\"action_source\":\"api\"}"
# Every operation of the spec was called at least once.
missing=$(grep -oP '^\s+operationId: \K\w+' ../../spec/openapi.yaml | while read -r op; do case " $seen " in *" $op "*) ;; *) echo "$op" ;; esac; done)
echo "operations not called: ${missing:-none}"

echo "--- admin, auth, validation, faults"
curl -s -o /dev/null -w 'POST /__mock/clock -> %{http_code} ' -X POST -d '{"advance_ms":300000}' "$URL/__mock/clock"; echo
curl -s -w ' <- POST /__mock/faults\n' -X POST -d '{"operation":"listAgents","kind":"status","status":429,"retry_after":2,"times":1}' "$URL/__mock/faults"
curl -s -o /dev/null -D - -H "$KEY" "$URL/api/v1/agents" | grep -iE '^(HTTP|retry-after)' | tr -d '\r' | paste -sd' '
curl -s -w ' <- no key\n' "$URL/api/v1/agents"
curl -s -w ' <- read-only key POST\n' -H 'X-API-Key: sk_test_readonly' -H "$JSON" -d '{"name":"x"}' "$URL/api/v1/agents"
curl -s -w ' <- bad field\n' -H "$KEY" -H "$JSON" -d '{"name":"x","capabilities":[""]}' "$URL/api/v1/agents"
curl -s -X POST -d '{"operation":"*","kind":"drop","times":1}' "$URL/__mock/faults" >/dev/null
curl -s -H "$KEY" "$URL/api/v1/agents" -o /dev/null -w 'dropped request -> %{http_code} (curl exit %{exitcode})\n' || true
echo "recorded requests: $(curl -s "$URL/__mock/requests" | jq length); secrets in them: $(curl -s "$URL/__mock/requests" | grep -c -e hec-secret -e "$T" -e "$W" || true)"

echo "--- garbage burst: 500 requests, 20 at a time"
burst() {
  local i=$1
  case $((i % 10)) in
    0) head -c 200 /dev/urandom | curl -s -o /dev/null -w '%{http_code}\n' -H "$KEY" -H "$JSON" --data-binary @- "$URL/api/v1/agenttrust/check" ;;
    1) curl -s -o /dev/null -w '%{http_code}\n' -H "$KEY" -H "$JSON" -d '{"agent_id":' "$URL/api/v1/agenttrust/check" ;;
    2) curl -s -o /dev/null -w '%{http_code}\n' -H "$KEY" -H 'Content-Type: text/xml' -d '<x/>' "$URL/api/v1/agents" ;;
    3) head -c 1100000 /dev/zero | curl -s -o /dev/null -w '%{http_code}\n' -H "$KEY" -H "$JSON" --data-binary @- "$URL/api/v1/telemetry/report" ;;
    4) curl -s -o /dev/null -w '%{http_code}\n' -X PATCH -H "$KEY" "$URL/api/v1/agents" ;;
    5) curl -s -o /dev/null -w '%{http_code}\n' -H "$KEY" "$URL/api/v1/$(head -c 30 /dev/urandom | base64 | tr -d '/+=')" ;;
    6) curl -s -o /dev/null -w '%{http_code}\n' -H 'X-API-Key: nope' "$URL/api/v1/agents" ;;
    7) (exec 3<>"/dev/tcp/127.0.0.1/${URL##*:}"; head -c 300 /dev/urandom >&3; timeout 2 head -c 12 <&3 | cut -c10-12; exec 3>&-) 2>/dev/null || echo reset ;;
    8) curl -s -o /dev/null -w '%{http_code}\n' -H "$KEY" -H "$JSON" -d "{\"name\":\"$(printf 'x%.0s' $(seq 200))\"}" "$URL/api/v1/agents" ;;
    9) curl -s -o /dev/null -w '%{http_code}\n' -H "$KEY" -H "$JSON" -d '[1,2,3]' "$URL/api/v1/delegations" ;;
  esac
}
export -f burst
export URL KEY JSON
seq 500 | xargs -P 20 -I{} bash -c 'burst {}' | sort | uniq -c | sort -rn | sed 's/^/  /'
curl -s -o /dev/null -w 'after the burst: GET /api/v1/agents -> %{http_code}\n' -H "$KEY" "$URL/api/v1/agents"
echo "process alive: $(kill -0 "$pid" 2>/dev/null && echo yes || echo no); log lines: $(wc -l <"$log")"
kill -TERM "$pid"
wait "$pid" && echo "SIGTERM: exit 0"
trap 'rm -f "$log"' EXIT
