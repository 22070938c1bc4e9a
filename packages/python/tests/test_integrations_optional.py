"""The CrewAI and AutoGen integrations are optional: nothing imports their frameworks until
asked, and a missing framework is a typed error naming the extra (run in a subprocess where
the frameworks are blocked, whether or not this venv has them)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

BLOCK = textwrap.dedent(
    """
    import sys
    for name in ("crewai", "crewai.tools", "autogen", "autogen_core", "autogen_core.tools", "autogen_agentchat"):
        sys.modules[name] = None  # an import of it raises ImportError
    """
)


def run(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", BLOCK + textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_sdk_imports_no_framework() -> None:
    out = run(
        """
        import agenttrustid, agenttrustid.guard, agenttrustid.autogen_callback
        print(sorted(m for m in sys.modules if m.split(".")[0] in ("crewai", "autogen", "autogen_core") and sys.modules[m]))
        """
    )
    assert out == "[]"


def test_a_missing_crewai_is_a_typed_error_naming_the_extra() -> None:
    out = run(
        """
        from agenttrustid import ConfigurationError
        try:
            import agenttrustid.crewai_callback
        except ImportError as e:
            assert isinstance(e, ConfigurationError), type(e)
            print(type(e).__name__, e.code.value, e.details["extra"], "agenttrustid[crewai]" in str(e))
        """
    )
    assert out == "IntegrationUnavailableError VALIDATION_ERROR crewai True"


def test_registering_for_autogen_agentchat_without_it_names_the_extra() -> None:
    out = run(
        """
        from agenttrustid import AgentTrustClient
        from agenttrustid.autogen_callback import IntegrationUnavailableError, agenttrust_register_tool
        client = AgentTrustClient(base_url="http://127.0.0.1:9", api_key="sk_test")
        def tool(q: str) -> str:
            return q
        try:
            agenttrust_register_tool(None, tool, client=client, agent_id="agt_1")
        except IntegrationUnavailableError as e:
            print(e.details["extra"], "agenttrustid[autogen]" in str(e))
        """
    )
    assert out == "autogen True"
