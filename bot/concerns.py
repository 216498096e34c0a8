"""What a message is about beyond its one classified intent: every concern it raises, in order of
urgency, and whether it is a short follow-up to the previous answer. Pure: the words are data
(``data/lexicon/concerns.yml``), read on the normalised text (``bot.text.normalise``).

The words also overrule the classifier in three cases where a wrong guess costs the user:
- danger (crisis, a threat of violence, money already sent to a fraudster) is always a safety intent;
- a short follow-up ("那半年呢", "要多久", "截图算证据吗") is ``follow_up``, answered in context;
- "I cannot pay" with numbers, and no request to calculate, is the situation, not the calculator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Pattern, Sequence, Tuple

from bot.text import clauses

# Parse-data keys set by bot.components.ConcernDetector and read by the actions.
CONCERNS = "concerns"
FOLLOW_UP = "follow_up"
SEVERAL = "several_concerns"
TOPIC = "topic"
URGENT = "urgent"
POSSIBLE_FOLLOW_UP = "possible_follow_up"
FEELING = "feeling"
TRACE = "trace"
# Each clause's best label and its probability, for a message of several clauses (set by the intent classifier):
# "四千五左右 … 征信到底上没上啊" tells facts and asks about credit, which one label for the whole misses.
CLAUSE_LABELS = "clause_labels"
QUESTIONS = "questions"  # the Reading's questions asked in a clause of their own
DANGER_UNSURE = "danger_unsure"  # the Reading's danger is only the intent classifier's, unsure
DANGER_REPORTED = "danger_reported"  # the Reading's danger is a scam the message says was reported to the police
DANGER_SCORES = "danger_scores"  # kind → probability, set by bot.components.DangerClassifier
RUDE = "rude"  # the Reading: the message is rude to the one it is said to (the practice call's agent)
RUDE_SCORE = "rude_score"  # probability, set by bot.components.RudeClassifier
# What the message does after the last answer (FOLLOWS_KINDS → probability) and that answer's kind (CONTEXTS),
# set by bot.components.FollowUpClassifier when the bot has answered something in this conversation.
FOLLOWS = "follows"
CONTEXT = "context"
FOLLOWS_KINDS = ("new", "more", "same", "aspect")  # an aspect with what it asks about: "aspect:duration"
# The kind of the last answer the follow-up model reads beside the message: a plan or a calculation (numbers
# that a follow-up changes: "分36期呢") or any other answer. ``None``: nothing answered yet.
PLAN_TOPICS = ("negotiate_repayment", "ask_interest_calc")
CONTEXTS = ("answer", "plan")
FOLLOW_UP_INTENT = "follow_up"
OUT_OF_SCOPE_INTENT = "out_of_scope"
FALLBACK_INTENT = "nlu_fallback"
UNSURE_INTENTS = (FALLBACK_INTENT, FOLLOW_UP_INTENT, OUT_OF_SCOPE_INTENT)
DOCUMENT_INTENT = "request_prep_pack"
# Offering money to an account, a card number, a password or a code to whoever answers (this simulation, or the
# agent in a practice call): never do it.
PRIVATE_OFFER = "faq/private_offer"
OWN_FLOW = ("inform_situation", "start_rehearsal", DOCUMENT_INTENT, "ask_interest_calc")
# Below this confidence a short message with a follow-up word ("要多久") is taken as a follow-up.
FOLLOW_UP_CONFIDENCE = 0.5
# At or above this confidence the classifier's own reading of a danger question (faq/money_sent_scam,
# learned from paraphrase families) pre-empts like the words do: the lexicon is only its floor.
LEARNED_DANGER_CONFIDENCE = 0.5
# At or above this confidence a specific question (faq/<key>) is asked on its own, not as a follow-up to
# the last answer, even with a follow-up word in it (要多久会上征信 after the lawsuit answer).
SPECIFIC_QUESTION_CONFIDENCE = 0.8
# At or above this confidence in a reading that is no danger (chosen on the families' training half: 0.7-0.99
# all let past scams through, 0.99 keeps one more money-sent message), the words of a scam (``yield_when_sure``)
# do not pre-empt it: "之前被骗了两万 现在能延期吗" tells a past scam and asks about an extension.
SURE_ELSEWHERE = 0.99
# At or above this probability of the learned danger reading (bot.components.DangerClassifier, several kinds at
# once; not in config.yml's pipeline, see there), a danger kind is found even where no danger word is. Measured
# by leaving out one writer of the families' training half at a time (make danger-cv): at 0.5 it found 5 more
# of 290 crises and threats and raised 12 more false alarms in 2,211 ordinary messages; at 0.7, 3 more and 2.
# The scam kinds are not taken from it: a scam told beside a question is as often a past scam.
LEARNED_KIND_CONFIDENCE = {"safety_crisis": 0.7, "safety_threat": 0.7}
# ... unless the intent classifier is at least this sure of a reading that is no danger.
LEARNED_KIND_UNLESS_SURE = 0.9
# At or above this probability a topic the classifier ranks below its first choice is asked too, in a message
# longer than one question: "逾期快一年了…要移交法院还会列入失信人员…起诉了我会知道吗" asks about the lawsuit and
# about the consequences, which a single label splits between them (0.41 and 0.22).
ALSO_ASKED_CONFIDENCE = 0.2
# Below this probability the classifier's next reading of a new question (not a follow-up, in context) is too
# unsure to answer: the fallback, as config.yml's FallbackClassifier threshold.
NEW_QUESTION_CONFIDENCE = 0.2
# Below this probability the classifier's reading of an offer to hand over money or a code (``PRIVATE_OFFER``) is not
# taken: a line said to the agent ("你给我定个数吧", "病历可以拍给你们") looks like one, and a false one costs the
# borrower a warning and points in a call. The words of the offer (concerns.yml) still find it. Chosen leaving one
# training writer out at a time (60 offers, 60 lines that offer nothing): at 0.5, 50 offers found and 2 lines taken
# for one; 0.6: 47 and 2; 0.7: 45 and 1; 0.8: 35 and 0.
OFFER_CONFIDENCE = 0.5
# Below this probability a danger the intent classifier alone reads (no danger words, no learned danger kind) is
# still danger, but unsure (``Reading.danger_unsure``): a practice call gives the help first and goes on instead
# of ending ("我自己手机录音可以吧？不违法吧" read as a crisis at 0.30 ended a call). Not taking it at all was
# measured (make danger-cv DANGER_CV_ARGS=--floors, docs/performance.md): under 0.3 it missed 1-3 more of 450
# crises and threats for 11-12 fewer false alarms in 3,300 messages, so the reading keeps it.
# 0.7 is the learned danger reading's own level; in calls, such lines were a stressed borrower 5 times of 5
# (rounds two and three: "睡不着觉", "录音可以吧", "别再天天打电话了", "给你们添麻烦了", "太累了不想折腾了").
UNSURE_DANGER = 0.7
# The learned rudeness taken at this probability: chosen leaving one training writer of the families rude_in_call
# and not_rude_in_call out at a time (docs/performance.md, 2026-12-07 eighth session).
RUDE_CONFIDENCE = 0.5
SAFETY_PREFIX = "safety_"
NUMBER_ENTITIES = {"amount", "overdue_days", "days", "term_months", "daily_rate", "annual_rate", "paid_periods"}


def _compile(words: Sequence[str]) -> Pattern[str]:
    return re.compile("|".join(f"(?:{w})" for w in words))


@dataclass(frozen=True)
class Lexicon:
    concerns: Tuple[Tuple[str, Pattern[str]], ...]  # topic → pattern, most urgent first
    general: frozenset  # topics that go with almost any other: a specific one is the single answer's topic
    vague: frozenset  # topics that ask nothing of their own ("怎么办"): never a second question
    one_question_chars: int  # at most this long, a message with one specific concern is one question
    not_topics: frozenset  # intents that are not a question to answer (greet, thank, the calculator…)
    cues: Tuple[Tuple[str, Pattern[str]], ...]  # follow-up cue → pattern
    strong_cues: frozenset  # cues that make a follow-up however sure the classifier is
    context_cues: frozenset  # cues that make a follow-up only where the last answer has an answer for them
    follow_up_max_chars: int
    follow_up_always_chars: int
    follow_up_marker: Pattern[str]  # 那… or …呢: "and what about…"
    follow_up_frame: Pattern[str]  # 那…呢 together: a follow-up however sure the classifier is
    refers_back: Pattern[str] | None  # 他们…, 这个…: about what was just said, never an off-topic question
    hardship: Pattern[str] | None
    calculation: Pattern[str] | None
    document: Pattern[str] | None  # a request for a document of the preparation pack
    preempt: Tuple[str, ...] = ()  # concerns answered first in every state (a form, a rehearsal)
    drops: Mapping[str, frozenset] = field(default_factory=dict)  # concern → topics it makes beside the point
    acts_as: Mapping[str, str] = field(default_factory=dict)  # a concern with no intent → the intent it takes
    care_only: frozenset = frozenset()  # concerns that leave no room for others in the same reply
    feelings: Tuple[Tuple[str, Pattern[str]], ...] = ()  # a feeling the message states → its words
    yield_when_sure: frozenset = frozenset()  # danger words that yield to a sure reading of something else
    scam_readings: frozenset = frozenset()  # readings about a scam themselves: danger words never yield to them
    reported_scams: frozenset = frozenset()  # scam kinds a message may say were reported (scam_reported)
    scam_reported: Pattern[str] | None = None
    rude_words: Tuple[str, ...] = ()  # rude said by the borrower, unless quoted or reported (rude: in concerns.yml)
    rude_if_addressed: Tuple[str, ...] = ()  # rude only when said to the agent (你们就是骗子, not 被骗子骗了)

    @classmethod
    def from_file(cls, path: Any) -> Lexicon:
        """The lexicon in a YAML file (``data/lexicon/concerns.yml``), for the tools and training."""
        import yaml

        with open(path, encoding="utf-8") as file:
            return cls.from_dict(yaml.safe_load(file))

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Lexicon:
        follow = raw.get("follow_up", {})
        routing = raw.get("routing", {})
        return cls(
            concerns=tuple((topic, _compile(words)) for topic, words in (raw.get("concerns") or {}).items()),
            general=frozenset(raw.get("general", [])),
            vague=frozenset(raw.get("vague", [])),
            one_question_chars=int(raw.get("one_question_chars", 0)),
            not_topics=frozenset(raw.get("not_topics", [])),
            cues=tuple((cue, _compile(words)) for cue, words in (follow.get("cues") or {}).items()),
            strong_cues=frozenset(follow.get("strong", [])),
            context_cues=frozenset(follow.get("in_context_only", [])),
            follow_up_max_chars=int(follow.get("max_chars", 12)),
            follow_up_always_chars=int(follow.get("always_chars", 0)),
            follow_up_marker=_compile(follow.get("markers") or ["^那.*呢$"]),
            follow_up_frame=_compile([follow.get("frame") or "^那.*呢$"]),
            refers_back=_compile([follow["refers_back"]]) if follow.get("refers_back") else None,
            hardship=_compile(routing["hardship"]) if routing.get("hardship") else None,
            calculation=_compile(routing["calculation"]) if routing.get("calculation") else None,
            document=_compile(raw["document"]) if raw.get("document") else None,
            preempt=tuple(raw.get("preempt", [])),
            drops={topic: frozenset(others) for topic, others in (raw.get("drops") or {}).items()},
            acts_as=dict(raw.get("acts_as") or {}),
            care_only=frozenset(raw.get("care_only", [])),
            feelings=tuple((name, _compile(words)) for name, words in (raw.get("feelings") or {}).items()),
            yield_when_sure=frozenset(raw.get("yield_when_sure", [])),
            scam_readings=frozenset(raw.get("scam_readings", [])),
            reported_scams=frozenset(raw.get("reported_scams", [])),
            scam_reported=_compile(raw["scam_reported"]) if raw.get("scam_reported") else None,
            rude_words=tuple((raw.get("rude") or {}).get("words", [])),
            rude_if_addressed=tuple((raw.get("rude") or {}).get("if_addressed", [])),
        )


@dataclass(frozen=True)
class Reading:
    intent: str
    topic: str | None  # what a single answer answers: the classified topic, or a specific concern
    concerns: List[str]  # topics (faq/<key>, intents, safety_*), most urgent first
    follow_up: str | None  # the cue ("fee", "duration"…), "same" for a new number on the same topic
    several: bool  # answer the concerns together (bot.knowledge.Knowledge.combined_answer)
    urgent: List[str] = field(default_factory=list)  # concerns that pre-empt whatever is running
    possible_follow_up: str | None = None  # a cue the classifier overruled: a follow-up if the last answer has it
    feeling: str | None = None  # shame, fear, hopeless, anger: acknowledged before the facts (bot.reply)
    questions: List[str] = field(default_factory=list)  # asked in a clause of their own, sure (the rehearsal answers)
    trace: Tuple[str, ...] = ()  # each decision that shaped this reading, in order: "name: what it did"
    danger_unsure: bool = False  # a danger only the intent classifier reads, below UNSURE_DANGER
    danger_reported: bool = False  # every danger is a scam the message says was reported (a call goes on)
    rude: bool = False  # rude to the one it is said to: the words of the floor, or the learned reading


def label_of(parse: Mapping[str, Any]) -> str:
    """The label a parse gives a message: its intent, or ``faq/<key>`` for the retrieval intent (the
    concern detector's key first, else the response selector's).
    """
    intent = (parse.get("intent") or {}).get("name") or ""
    if intent == "faq":
        if str(parse.get(TOPIC) or "").startswith("faq/"):
            return parse[TOPIC]
        selected = ((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}
        return selected.get("intent_response_key") or intent
    return intent


def find_concerns(lexicon: Lexicon, text: str) -> List[str]:
    return [topic for topic, pattern in lexicon.concerns if pattern.search(text)]


# Before a word in its clause: the borrower reports or quotes it (催收骂我傻逼, 他们说我是骗子, 被骗子骗了).
_REPORTED = re.compile(
    r"(被|骂我|说我|叫我|称我|喊我|说了句|骂了句|骂|他说|他们说|对方说|催收说|说是|说什么|跟我说|对我说|和我说)[^，,。！!？?]{0,10}$"
)
_ADDRESSED = re.compile(r"(你|你们|您|微粒贷|客服|你们公司|银行)")
_ADDRESSED_AFTER = re.compile(r"(客服|公司|银行)")  # 废物客服, 垃圾银行
_GET_LOST = re.compile(r"滚[吧啊呀]?")  # 滚 said as a clause of its own
_SHOUTING = re.compile(r"[!！]{3,}")


def rude_by_words(lexicon: Lexicon, text: str) -> bool:
    """The floor of the Reading's ``rude``: profanity or insults the borrower says themselves (not quoted or
    reported), an insult said to the agent, 滚 alone, or shouting (``rude:`` in concerns.yml).
    """
    if _SHOUTING.search(text):
        return True
    for clause in clauses(text):
        for word in lexicon.rude_words:
            at = clause.find(word)
            if at >= 0 and not _REPORTED.search(clause[:at]):
                return True
        if _GET_LOST.fullmatch(clause.strip()):
            return True
        for word in lexicon.rude_if_addressed:
            at = clause.find(word)
            addressed = _ADDRESSED.search(clause[:at]) or _ADDRESSED_AFTER.match(clause, at + len(word))
            if at >= 0 and addressed and not _REPORTED.search(clause[:at]):
                return True
    return False


def bare(text: str) -> str:
    """The words only: follow-up lengths and frames do not count spaces and punctuation."""
    return re.sub(r"[\s?？!！。，,.~…]+", "", text)


def follow_up_cue(lexicon: Lexicon, text: str, entity_types: Sequence[str]) -> str | None:
    """The follow-up a short message makes, or None: a cue word, or a new number ("那半年呢")."""
    short = bare(text)
    if not short or len(short) > lexicon.follow_up_max_chars:
        return None
    named = aspect_named(lexicon, short)
    if named:
        return named
    if lexicon.follow_up_marker.search(short) and NUMBER_ENTITIES.intersection(entity_types):
        return "same"
    if lexicon.follow_up_frame.search(short):  # "那我提前全部还清呢": the same question, for that case
        return "same"
    return None


def context_of(last_topic: str | None) -> str | None:
    """The kind of the last answer (``CONTEXTS``), None before any answer."""
    if not last_topic:
        return None
    return "plan" if last_topic in PLAN_TOPICS else "answer"


def aspect_named(lexicon: Lexicon, text: str) -> str | None:
    """The aspect of an answer a message names, whatever its length: the first follow-up cue whose words
    it holds ("要多久" → duration, "在哪办" → where), or None.
    """
    short = bare(text)
    return next((cue for cue, pattern in lexicon.cues if pattern.search(short)), None)


def read(
    lexicon: Lexicon,
    text: str,
    intent: str,
    entity_types: Sequence[str] = (),
    faq_key: str | None = None,
    confidence: float = 0.0,
    best_guess: str | None = None,
    danger_scores: Mapping[str, float] | None = None,
    kind_confidence: Mapping[str, float] = LEARNED_KIND_CONFIDENCE,
    ranked: Sequence[Tuple[str, float]] = (),
    follows: Mapping[str, float] | None = None,
    context: str | None = None,
    clause_labels: Sequence[Tuple[str, float]] = (),
    rude_score: float | None = None,
) -> Reading:
    """The message's concerns (the classified topic among them), the topic of a single answer, its
    follow-up cue, whether to answer several concerns together, and its intent after the overrules
    above. ``faq_key`` is the response selector's ``faq/<key>`` when the intent is ``faq``;
    ``best_guess`` the classifier's first choice, even when it is too unsure to classify; ``danger_scores``
    the learned danger reading (kind → probability), a kind found at ``kind_confidence``; ``ranked`` the
    classifier's labels (intents and ``faq/<key>``) with their probabilities, best first; ``follows`` the
    learned reading of what the message does after the last answer (``FOLLOWS_KINDS`` → probability), given
    only when the bot has answered something, and ``context`` that answer's kind (``CONTEXTS``): then the
    learned reading decides whether the message follows up, and the listed rules of length, opening and
    ending words below are for a message read with no conversation. ``clause_labels``: the best label of each
    clause of a message of several, with its probability: a sure one that is a question of its own is in
    ``questions``. ``rude_score``: the learned reading of whether the message is rude to the one it is said to.
    """
    trace: List[str] = []

    def decided(name: str, what: Any) -> None:
        trace.append(f"{name}: {what}")

    decided("classifier", f"{faq_key if intent == 'faq' else intent} {confidence:.2f}" + (
        f" (best guess {best_guess})" if intent == FALLBACK_INTENT else ""))
    rude = rude_by_words(lexicon, text)
    if rude:
        decided("rude_words", "rude to the agent")
    elif rude_score is not None and rude_score >= RUDE_CONFIDENCE:
        rude = True
        decided("learned_rude", f"{rude_score:.2f}")
    found = find_concerns(lexicon, text)
    if found:
        decided("concern_words", ", ".join(found))
    beside_the_point = frozenset().union(*(lexicon.drops.get(c, frozenset()) for c in found))
    if beside_the_point & set(found):
        decided("beside_the_point", ", ".join(c for c in found if c in beside_the_point))
    found = [c for c in found if c not in beside_the_point]
    specific_found = [c for c in found if c not in lexicon.general]
    urgent = [c for c in found if c in lexicon.preempt]
    learned = faq_key if intent == "faq" else intent

    def next_reading(why: str) -> None:  # the classifier's next reading, as sure as it is among the others
        nonlocal intent, faq_key, confidence, learned
        label, p = next(((lab, p) for lab, p in ranked if lab not in (learned, "faq")), ("", 0.0))
        confidence = p / (1.0 - confidence) if confidence < 1.0 else p
        intent, faq_key = ("faq", label) if label.startswith("faq/") else (label, None)
        if confidence < NEW_QUESTION_CONFIDENCE:
            intent = FALLBACK_INTENT
        learned = faq_key if intent == "faq" else intent
        decided(why, f"the next reading: {learned} {confidence:.2f}")

    if learned == PRIVATE_OFFER and confidence < OFFER_CONFIDENCE and PRIVATE_OFFER not in found:
        next_reading("unsure_offer")
    # The classifier's own reading is a question that is no danger (how sure it is, each rule below decides).
    reads_no_danger = (
        intent not in UNSURE_INTENTS and learned not in lexicon.preempt and not str(learned).startswith(SAFETY_PREFIX)
    )
    sure_of_no_danger = confidence >= SURE_ELSEWHERE and reads_no_danger and learned not in lexicon.scam_readings
    yielded = [c for c in urgent if c in lexicon.yield_when_sure] if sure_of_no_danger else []
    if yielded:
        decided("danger_words_yield", f"{', '.join(yielded)} after {learned}")
        urgent = [c for c in urgent if c not in yielded]
    words = bare(text)
    if follows:  # learned, in context: more of the last answer, the same question again, one aspect of it, or new
        kinds: Dict[str, float] = {}
        for label, p in follows.items():  # "aspect:duration" is an aspect
            general = label.partition(":")[0]
            kinds[general] = kinds.get(general, 0.0) + p
        kind = max(kinds, key=lambda k: kinds[k])
        decided("follows", f"{kind} {kinds[kind]:.2f}")
        # which aspect: the one its words name ("要多久"), else the one the model reads ("打哪个电话" → where); the
        # same question about a named aspect and no new number ("那违约金呢" after the penalty answer) asks about
        # that aspect, while with one the number is what changed ("分二十期 每个月要还多少钱")
        learned_aspect = max((label for label in follows if label.startswith("aspect:")), key=follows.get, default="")
        named = aspect_named(lexicon, text)
        aspect = named or learned_aspect.partition(":")[2] or "same"
        new_number = bool(NUMBER_ENTITIES.intersection(entity_types))
        same = named if named and named != "more" and not new_number else "same"
        cue = {"more": "more", "same": same, "aspect": aspect}.get(kind)
        possible = None
        if cue in ("more", "same") and specific_found:  # "那律师函呢" after the jail answer: that question's own
            decided("asks_its_own", f"{kind}, with a concern named: {', '.join(specific_found)}")
            cue = None
        # A new number after an answer with none to redo ("如果每个月只能还1000呢" after the early-repayment rule):
        # a calculation or a plan of its own, which keeps the numbers told before, when the classifier reads one
        # (a sum of money is always the borrower's own case there).
        own_flow = intent in OWN_FLOW and (confidence >= SPECIFIC_QUESTION_CONFIDENCE or "amount" in entity_types)
        if cue == "same" and context == "answer" and own_flow:
            decided("not_a_follow_up", f"{intent}: its own flow takes the new number")
            cue = None
        if cue and urgent and cue not in lexicon.strong_cues:  # danger first: "钱还能追回来吗" stays a follow-up
            decided("not_a_follow_up", "danger first")
            cue = None
        if kind == "new" and intent == FOLLOW_UP_INTENT:  # the classifier's next reading is the question
            label, p = next(((label, p) for label, p in ranked if label not in (FOLLOW_UP_INTENT, "faq")), ("", 0.0))
            intent, faq_key = ("faq", label) if label.startswith("faq/") else (label, faq_key)
            if p < NEW_QUESTION_CONFIDENCE:
                intent = FALLBACK_INTENT
            decided("not_a_follow_up", f"new: {intent if intent != 'faq' else faq_key} {p:.2f}")
    else:  # no last answer: listed rules. A short message naming a concern of its own ("律师函要钱吗"), or one
        # the classifier is sure is a question of its own ("征信在哪查"), is not a follow-up.
        very_short = len(words) <= lexicon.follow_up_always_chars and not found
        framed = bool(lexicon.follow_up_frame.search(words))
        unsure = (
            intent in (FALLBACK_INTENT, FOLLOW_UP_INTENT) or confidence < FOLLOW_UP_CONFIDENCE or very_short or framed
        )
        cue = None if specific_found else follow_up_cue(lexicon, text, entity_types)
        if cue:
            decided("follow_up_words", cue)
        # A cue word the classifier overruled ("这个能告他吗", sure it is a question about rights): a follow-up
        # after all when the previous answer has an answer for that cue (bot.reply decides, knowing it).
        possible = cue if cue != "same" and not urgent else None
        if intent == "faq" and confidence >= SPECIFIC_QUESTION_CONFIDENCE:
            possible = None  # "要多久会上征信": a specific question of its own, whatever the last answer was
        if cue and ((not unsure and cue not in lexicon.strong_cues) or cue in lexicon.context_cues):
            why = "the classifier is sure" if cue not in lexicon.context_cues else "in context only"
            decided("not_a_follow_up", why)
            cue = None
        refers_back = bool(lexicon.refers_back and lexicon.refers_back.search(words))  # 他们不听怎么办
        asks_nothing_new = all(c in lexicon.vague for c in found) and intent in (*lexicon.general, *UNSURE_INTENTS)
        if refers_back and asks_nothing_new and not possible and not urgent:
            possible = "same"  # "他们来了我该怎么办" after the home-visit answer: that answer again
            decided("refers_back", "the last answer again, if there is one")
        if best_guess == OUT_OF_SCOPE_INTENT and not (very_short or refers_back) and cue not in lexicon.strong_cues:
            if cue or possible:
                decided("off_topic_question", "its follow-up word is about something else")
            cue = possible = None  # "五一去哪玩人少": a cue word in a question about something else
        if cue == "same" and found:  # "那我该怎么办呢" asks something of its own
            decided("asks_its_own", "a concern named: not the same question again")
            cue = None
    # A strong follow-up cue ("钱还能追回来吗" after the scam answer) stays about that answer.
    # Safety intents already act as such; a specific danger question (money sent) must also pre-empt a form.
    learned_danger = learned in lexicon.preempt and not learned.startswith(SAFETY_PREFIX)
    if not cue and learned_danger and confidence >= LEARNED_DANGER_CONFIDENCE and learned not in urgent:
        urgent = sorted([*urgent, learned], key=lexicon.preempt.index)  # most urgent first, as listed
        decided("learned_danger", learned)
    # The learned kinds speak only while the intent classifier is not sure of a reading that is no danger.
    sure_of_other = confidence >= LEARNED_KIND_UNLESS_SURE and reads_no_danger
    learned_kinds = [
        kind for kind, p in (danger_scores or {}).items()
        if p >= kind_confidence.get(kind, 2.0) and kind not in urgent and kind in lexicon.preempt and not sure_of_other
    ]  # fmt: skip
    if learned_kinds and not cue:  # a crisis inside a long message about the debt, in words no list has
        urgent = sorted([*urgent, *learned_kinds], key=lexicon.preempt.index)
        decided("learned_kinds", ", ".join(f"{k} {danger_scores[k]:.2f}" for k in learned_kinds))
    if urgent:
        decided("danger_first", ", ".join(urgent))
    if urgent and urgent[0].startswith(SAFETY_PREFIX):
        intent = lexicon.acts_as.get(urgent[0], urgent[0])
    elif urgent:  # a specific question that must come first (money sent to a fraudster)
        intent, faq_key = "faq", urgent[0]
    elif cue:
        intent = FOLLOW_UP_INTENT
        decided("follow_up", cue)
    elif lexicon.document is not None and lexicon.document.search(text):
        intent = DOCUMENT_INTENT  # a document asked for, with the facts for it told alongside
        decided("document_asked", intent)
    elif (
        intent == "ask_interest_calc"
        and not (lexicon.calculation and lexicon.calculation.search(text))
        and "calc_request" not in entity_types
    ):
        specific_question = next((c for c in specific_found if c.startswith("faq/")), None)
        if specific_question:
            intent, faq_key = "faq", specific_question
            decided("no_calculation_asked", f"the question named: {specific_question}")
        elif lexicon.hardship is not None and lexicon.hardship.search(text):
            intent = "inform_situation"
            decided("no_calculation_asked", "hardship told: the situation")
    classified = faq_key if intent == "faq" else intent
    if intent == FALLBACK_INTENT:  # too unsure to classify: the words may still say what it is about
        classified = None
    if classified in lexicon.not_topics or classified == FOLLOW_UP_INTENT:
        classified = None
    feeling = next((name for name, pattern in lexicon.feelings if pattern.search(text)), None)
    if feeling:
        decided("feeling", feeling)
    # A question asked in a clause of its own beside facts or another question ("四千五左右 … 征信到底上没上啊").
    questions = list(dict.fromkeys(
        label for label, p in clause_labels
        if p >= SPECIFIC_QUESTION_CONFIDENCE and label not in (*lexicon.not_topics, FOLLOW_UP_INTENT, PRIVATE_OFFER)
        and not label.startswith(SAFETY_PREFIX) and label not in lexicon.preempt
    ))  # fmt: skip
    if questions:
        decided("questions", ", ".join(questions))
    if cue:
        return Reading(
            intent, None, [], cue, False, feeling=feeling, questions=questions, trace=tuple(trace), rude=rude
        )
    if urgent:
        classified = urgent[0]
    if classified in beside_the_point:  # 没借过却被催收: no overdue advice, whatever the classifier says
        decided("beside_the_point", f"classified {classified} dropped")
        classified = None
    also = [
        label for label, p in ranked
        if p >= ALSO_ASKED_CONFIDENCE and label not in (classified, *found, *beside_the_point, *lexicon.not_topics)
        and label not in lexicon.preempt and not label.startswith(SAFETY_PREFIX) and label != FOLLOW_UP_INTENT
        and label not in ("faq", FALLBACK_INTENT, PRIVATE_OFFER)
    ]  # fmt: skip
    if also and classified and not urgent and len(words) > lexicon.one_question_chars:
        found = [*found, *also]
        decided("also_asked", ", ".join(f"{label} {p:.2f}" for label, p in ranked if label in also))
    concerns = ordered_topics([t for t, _ in lexicon.concerns], classified, found)
    concerns = [c for c in concerns if c not in yielded] + yielded  # the question first, the scam after it
    if lexicon.care_only & {classified, *concerns}:  # "我要去砍死他": calm down first, not a complaint procedure
        concerns = [c for c in concerns if c.startswith(SAFETY_PREFIX)]
        decided("care_only", "nothing beside the care")
    specific = [c for c in concerns if c not in lexicon.general]
    if classified and (classified not in lexicon.general or not specific):
        topic = classified
    else:
        topic = (specific or concerns or [None])[0]
    off_topic_but_named = intent == OUT_OF_SCOPE_INTENT and topic and topic not in lexicon.vague  # 会被开除吗
    # 你能帮我给微粒贷打电话谈吗 read as request_human: a topic only the lexicon knows is answered, unless the
    # intent starts something of its own (a situation told, a rehearsal, a document, a calculation)
    if topic in lexicon.acts_as and intent in lexicon.not_topics and intent not in OWN_FLOW and not urgent:
        intent = lexicon.acts_as[topic]
        decided("topic_acts_as", intent)
    if (intent in (FALLBACK_INTENT, FOLLOW_UP_INTENT) and topic) or off_topic_but_named:  # the words say what
        intent = "faq" if topic.startswith("faq/") else lexicon.acts_as.get(topic, topic)
        decided("words_say_what", intent)
    states_facts = bool(set(entity_types) & (NUMBER_ENTITIES | {"hardship_reason"}))
    asked = [c for c in concerns if c not in lexicon.vague]
    # "逾期一个半月会上征信吗": one short question with a general word beside it is one answer (with the
    # numbers in it), not the facts echoed and two answers.
    one_question = len(words) <= lexicon.one_question_chars and classified in specific and len(specific) < 2
    several = not one_question and (
        (len(concerns) >= 2 and (len(asked) >= 2 or states_facts))
        or (states_facts and bool(concerns) and classified is None)
    )
    if several:
        decided("several", " + ".join(concerns))
    elif topic:
        decided("topic", topic)
    if possible:
        decided("possible_follow_up", possible)
    unsure = intent.startswith(SAFETY_PREFIX) and not urgent and confidence < UNSURE_DANGER
    if unsure:
        decided("danger_unsure", f"{intent} {confidence:.2f}, no danger words or learned kind")
    scams = urgent and set(urgent) <= lexicon.reported_scams and not intent.startswith(SAFETY_PREFIX)
    reported = bool(scams and lexicon.scam_reported and lexicon.scam_reported.search(text))
    if reported:
        decided("danger_reported", ", ".join(urgent))
    return Reading(
        intent, topic, concerns, cue, several, urgent, possible, feeling, questions, tuple(trace), unsure, reported,
        rude,
    )  # fmt: skip


def ordered_topics(lexicon_order: Sequence[str], classified: str | None, found: Sequence[str]) -> List[str]:
    """The topics to answer, most urgent first: the concerns found, and the classified topic in its
    place in the urgency order (or before the general topics when the lexicon does not rank it).
    """
    topics = list(dict.fromkeys(found))
    if classified and classified not in topics:
        rank = {t: n for n, t in enumerate(lexicon_order)}
        position = rank.get(classified)
        if position is None:
            topics.append(classified)
        else:
            later = [n for n, t in enumerate(topics) if rank.get(t, len(rank)) > position]
            topics.insert(later[0] if later else len(topics), classified)
    return topics
