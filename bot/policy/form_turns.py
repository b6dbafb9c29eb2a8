"""What a customer's message means while a form waits for an answer (docs/conversations.md).

A form asks one question at a time, but customers do not answer on cue: they ask what they
owe, thank the bot, change their mind ("actually can I pay half on the 15th"), ask for a
person or say goodbye. Each message inside a form is one of

- ``ANSWER``: tried as the answer to the pending question (the form's own intents, bare
  answers, and anything NLU is not confident about);
- ``DIGRESSION``: a question or courtesy that is answered, after which the form asks its
  question again (the form never traps: the answer comes first);
- ``SWITCH``: another request; the form is left for it (the customer's last request wins);
- ``CANCEL``: a no that answers nothing, which cancels the form.

Pure: intents and confidences in, a :class:`Turn` out.
"""

from __future__ import annotations

from enum import Enum


class Turn(str, Enum):
    """How a form treats the latest message."""

    ANSWER = "answer"
    DIGRESSION = "digression"
    SWITCH = "switch"
    CANCEL = "cancel"


#: answered by the rules, then the form asks its question again
DIGRESSIONS = frozenset({"check_balance", "help", "ask_who", "bot_challenge", "thank", "greet"})
#: another request: the form is left for it
SWITCHES = frozenset(
    {
        "promise_to_pay",
        "request_payment_plan",
        "dispute",
        "claim_paid",
        "pay_now",
        "hardship",
        "request_human",
        "opt_out",
        "opt_in",
        "cease_contact",
        "goodbye",
    }
)
#: intents that belong to a form: said inside it they are answers, not new requests
OWN_INTENTS = {
    "verification_form": frozenset(),
    "promise_form": frozenset({"promise_to_pay"}),
    "plan_form": frozenset({"request_payment_plan", "hardship"}),
    "dispute_form": frozenset({"dispute", "claim_paid"}),
}
#: slots a "no" answers (a read-back; a plan proposal, where no means no plan): there
#: ``deny`` is an answer, not a cancel
NO_IS_AN_ANSWER = frozenset({"ptp_confirmed", "plan_confirmed", "plan_request"})
#: below this NLU confidence a message is tried as an answer, whatever its intent
CONFIDENT = 0.6
#: requests that leave a form even when the message also holds a usable answer
_ALWAYS_SWITCH = frozenset({"request_human", "opt_out", "cease_contact", "goodbye"})


def classify_turn(
    form: str,
    requested_slot: str | None,
    intent: str | None,
    confidence: float,
    *,
    answers_question: bool,
) -> Turn:
    """Says how ``form`` treats a message NLU read as ``intent`` with ``confidence``.

    Args:
        form: the active form.
        requested_slot: the slot the form asked for last.
        intent: the message's intent (None when NLU gave none).
        confidence: NLU's confidence in ``intent``.
        answers_question: whether the message holds a usable value for ``requested_slot``
            (an entity of the right kind, a known invoice number …). A confident question
            is still answered first; a confident new request wins over a value in passing
            only for the requests that must always be honoured (a person, stop, goodbye).
    """
    if intent is None or confidence < CONFIDENT or intent in OWN_INTENTS.get(form, ()):
        return Turn.ANSWER
    if intent == "deny":  # "no we never received it" answers the reason question
        answers = answers_question or requested_slot in NO_IS_AN_ANSWER
        return Turn.ANSWER if answers else Turn.CANCEL
    if intent in _ALWAYS_SWITCH:
        return Turn.SWITCH
    if intent in DIGRESSIONS:  # a question is answered first, whatever else it holds
        return Turn.DIGRESSION
    if answers_question:
        return Turn.ANSWER
    if intent in SWITCHES:
        return Turn.SWITCH
    return Turn.ANSWER  # inform, affirm, out_of_scope, nlu_fallback: answers, usable or not
