"""The safety screen: runs before matching, never sees the FAQ, and decides referral or
emergency replies on its own."""

from faq_bot.core.safety.screen import Verdict, assess

__all__ = ["Verdict", "assess"]
