"""The safety topics, named once: the screen's verdicts, the policy replies the loader requires
and the categories `faq-bot eval` scores all use these."""

from __future__ import annotations

DOSING = "dosing"
INTERACTION = "interaction"
SPECIAL_POPULATION = "special_population"
DEPENDENCE = "dependence"
INJECTION = "injection"
EMERGENCY = "emergency"

# Each needs a referral reply in policy.yaml.
REFERRAL_TOPICS = (DOSING, INTERACTION, SPECIAL_POPULATION, DEPENDENCE, INJECTION)
# The labelled sets' safety categories: the referral topics and the emergencies.
SAFETY_CATEGORIES = (*REFERRAL_TOPICS, EMERGENCY)
