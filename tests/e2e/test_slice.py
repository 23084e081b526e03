"""The foundation slice end to end: simulator → Rasa → actions → demo DB."""

import json
import re
import subprocess

import pytest

from shop.policy.config import load_policy
from stack.servers import port_in_use
from tests.e2e.conftest import run_simulator

pytestmark = pytest.mark.e2e
KEYS = {"text", "intent", "confidence", "replies", "auto_send", "handoff", "policy_violations"}


def test_greeting_is_the_shops_own(simulate):
    [record] = simulate(["你好"])
    assert set(record) == KEYS
    assert record["intent"] == "greet"
    assert load_policy().tone.greeting in "".join(record["replies"])
    assert record["policy_violations"] == []


def test_where_is_my_parcel_answers_from_her_real_orders(simulate):
    [record] = simulate(["我的快递到哪了"])
    reply = "".join(record["replies"])
    assert record["intent"] == "ask_order_status"
    # Her shipped order 5021873340003: courier, tracking number, latest event.
    assert "中通快递" in reply and "75300000000031" in reply and "派件中" in reply
    # Nothing of anybody else's order.
    assert "SF1000000009001" not in reply and "顺丰" not in reply


def test_an_empty_line_starts_a_new_conversation(simulate):
    records = simulate(["0201这件", "", "它会起球吗"])
    assert len(records) == 2
    # In the new conversation "它" refers to nothing yet: the reply asks which product.
    assert "红色羊毛大衣" not in "".join(records[1]["replies"])


def test_unknown_buyer_gets_one_clear_line(demo_env):
    result = run_simulator({**demo_env, "RASA_URL": "http://127.0.0.1:9"}, ["你好"], buyer="tb_nobody")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "tb_nobody" in lines[0]


def test_simulator_starts_and_stops_its_own_servers(demo_env, tmp_path):
    # Nothing answers at RASA_URL: the simulator starts both servers, then stops them.
    env = {**demo_env, "RASA_URL": "http://127.0.0.1:9", "VAR_DIR": str(tmp_path)}
    result = run_simulator(env, ["你好"])
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[0])["intent"] == "greet"
    # The endpoints file (it holds the tracker database password) goes with the servers.
    assert not list((tmp_path / "run").glob("endpoints-*.yml"))
    started = re.search(
        r"Starting Rasa server on http://[^:]+:(\d+)", (tmp_path / "logs" / "rasa.log").read_text()
    )
    assert started, "the Rasa log does not say where it listened"
    assert not port_in_use(int(started.group(1)))
    leftovers = subprocess.run(["pgrep", "-f", str(tmp_path / "run")], capture_output=True, text=True)
    assert leftovers.stdout.strip() == "", "a Rasa server of the simulator is still running"
    assert (tmp_path / "logs" / "rasa.log").exists() and (tmp_path / "logs" / "actions.log").exists()
