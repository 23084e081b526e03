"""desk.linking: what the buyer and the desk are told when a chat links to a buyer's orders."""

from __future__ import annotations

from sqlalchemy.orm import Session

from desk import texts
from desk.linking import link_reply
from shop.models import utcnow

ZONE = "Asia/Shanghai"


def test_a_second_account_notice_says_the_front_end_it_came_from(demo_session: Session) -> None:
    """A trainer's simulator chat linking to a buyer is no Telegram account: the notice says which."""
    now = utcnow()
    first = link_reply(demo_session, "telegram", "1001", "5021873340002 3821", now=now, timezone=ZONE)
    assert first.text == texts.buyer("link_ok") and first.desk_notice is None
    simulated = link_reply(demo_session, "simulator", "sim-7", "5021873340001 3821", now=now, timezone=ZONE)
    assert simulated.text == texts.buyer("link_ok")
    notice = simulated.desk_notice
    assert notice is not None and "tb_linlin" in notice and "sim-7" in notice
    assert "Telegram" not in notice and "tg " not in notice
    assert texts.text("channels.simulator", user_id="sim-7") in notice
    again = link_reply(demo_session, "telegram", "2002", "5021873340001 3821", now=now, timezone=ZONE)
    assert (
        again.desk_notice is not None and "Telegram" in again.desk_notice and "tg 2002" in again.desk_notice
    )
    # A channel the file does not name yet is still told as what it is.
    other = link_reply(demo_session, "wechat", "wx-9", "5021873340001 3821", now=now, timezone=ZONE)
    assert other.desk_notice is not None and "wechat" in other.desk_notice and "wx-9" in other.desk_notice
    assert "Telegram" not in other.desk_notice
