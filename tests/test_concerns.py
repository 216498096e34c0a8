"""bot.concerns on the real lexicon (data/lexicon/concerns.yml): concerns in order of urgency, the
overrules for danger, follow-ups and hardship, and when several concerns are answered together.
"""

from __future__ import annotations

import pytest
import yaml

from bot import concerns
from bot.config import ROOT
from bot.text import normalise

LEXICON = concerns.Lexicon.from_dict(
    yaml.safe_load((ROOT / "data" / "lexicon" / "concerns.yml").read_text(encoding="utf-8"))
)


def read(
    text: str, intent: str = "inform_situation", entities=(), key=None, confidence=0.0, best_guess=None
) -> concerns.Reading:
    return concerns.read(LEXICON, normalise(text), intent, list(entities), key, confidence, best_guess)


@pytest.mark.parametrize(
    "text, intent",
    [
        ("我真的不想活了", "safety_crisis"),
        ("欠了一屁股债 活著真沒意思", "safety_crisis"),  # traditional
        ("借了两万还不上 撑不下去了", "safety_crisis"),
        ("催收说知道我孩子在哪上学 让我小心点", "safety_threat"),
        ("他们说要找人砍我", "safety_threat"),
        ("刚才转了八千到安全账户 现在联系不上了", "faq/money_sent_scam"),
        ("我把验证码告诉了那个客服", "faq/money_sent_scam"),
        ("他冒充微粒贷客服让我下载一个app 我输了验证码 钱被转走了3000", "faq/money_sent_scam"),
        ("有人自称是公安局的说要抓我", "faq/fake_police"),
        ("i want to kill myself i cant pay back the loan", "safety_crisis"),
        ("那个催收的天天骂我全家 我知道他在哪 我要去砍死他", "safety_anger"),
        ("催收太过分了 我准备明天带刀去他们公司 跟他们同归于尽", "safety_anger"),
        # from a borrower probe, in words not written here before
        ("我已经在催收公司楼下了 包里带了刀 今天非让那个姓王的见血不可", "safety_anger"),
        ("再让我接到一个催收电话我就去他们公司把他们全炸了 我说到做到", "safety_anger"),
        ("我要去催收公司放把火 让他们知道厉害", "safety_anger"),
        ("那个催收再打来我就去他家找他算账 让他全家都不得安宁", "safety_anger"),
        # in words the lexicon missed before (cross-validation found the classifier alone let them through)
        ("欠了四万多 真的不想再熬下去了", "safety_crisis"),
        ("最近老是在查怎么死不会太痛", "safety_crisis"),
        ("有时候想 我要是死了 爸妈就不用被催收烦了", "safety_crisis"),
        ("信用卡微粒贷都逾期 感觉死了就解脱了", "safety_crisis"),
        ("我今晚就走了 跟孩子都交代好了 谢谢你们", "safety_crisis"),
        ("找不到活下去的理由", "safety_crisis"),
        ("wo zhende buxiang huo le", "safety_crisis"),
        ("催收扬言不还钱就打断我的腿", "safety_threat"),
        ("他们说要找黑社会来收拾我", "safety_threat"),
        ("催收讲再拖就让我儿子放学路上出点事", "safety_threat"),
        ("发信息说要拿硫酸泼我", "safety_threat"),
        ("说我活不过下个月", "safety_threat"),
        ("催收说要来我家把车砸烂", "safety_threat"),
        ("催收扬言要让我在医院躺半年", "safety_threat"),
        # from a borrower probe: the code already handed over; money asked to make a case go away
        ("假客服让我把手机收到的验证码告诉他 我已经说了 现在怎么办", "faq/money_sent_scam"),
        ("那个律师说交三千块可以撤案", "faq/fake_police"),
    ],
)
def test_danger_overrules_any_intent(text: str, intent: str) -> None:
    for classified in ("greet", "faq", "nlu_fallback", "ask_interest_calc"):
        reading = read(text, classified)
        assert reading.urgent and reading.topic == intent
        acts_as = LEXICON.acts_as.get(intent, intent)  # 我要去砍死他: the dialogue treats it as a crisis
        assert reading.intent == ("faq" if intent.startswith("faq/") else acts_as)


@pytest.mark.parametrize(
    "text, reported",
    [
        ("催收说要砍我", "safety_threat"), ("他们说要弄死我", "safety_threat"), ("我要杀了那个催收员", None),
        ("催收说我住几楼他都知道 下次来就带刀", "safety_threat"), ("催收说要让我见血", "safety_threat"),
        ("他们发短信说晚上来我家放火 我老婆孩子都在家", "safety_threat"),
    ],  # fmt: skip
)
def test_a_threat_reported_is_not_a_threat_made(text: str, reported: str | None) -> None:
    assert (read(text).topic == "safety_threat") is (reported == "safety_threat")
    assert (read(text).topic == "safety_anger") is (reported is None)


def test_someone_about_to_hurt_another_gets_that_answer_only() -> None:
    reading = read("催收天天打我老婆电话 我要去砍死他 怎么投诉", "report_harassment")
    assert reading.concerns == ["safety_anger"], "no complaint procedure beside calming down"


@pytest.mark.parametrize(
    "text",
    [
        "烦死了", "吓死我了", "催收威胁我", "客服让我发验证码给他是真的吗", "反正没钱 你们看着办吧",
        "家里出点事了 这个月还不上", "催收说话像黑社会一样 银行不管吗", "好的 我先走了 谢谢",
        "我自己动手在app上操作可以吗", "坚持每个月还一点可以吗", "家里出了点事 我爸要动手术",
        "我开的奶茶店去年底撑不下去关门了", "我在医院躺了一个月 刚出来", "罚息不免 我一分都不还 你看着办",
    ],
)  # fmt: skip
def test_ordinary_worry_is_not_danger(text: str) -> None:
    assert not read(text, "report_harassment").intent.startswith("safety_")


@pytest.mark.parametrize(
    "text, entities, cue",
    [
        ("那一周呢", ["overdue_days"], "same"),
        ("那半年呢？", ["overdue_days"], "same"),
        ("要多久", [], "duration"),
        ("那手续费呢", [], "fee"),
        ("要什么手续", [], "materials"),
        ("找谁", [], "where"),
        ("是真的吗", [], "how"),
    ],
)
def test_short_follow_ups(text: str, entities: list, cue: str) -> None:
    reading = read(text, "nlu_fallback", entities)
    assert (reading.intent, reading.follow_up) == ("follow_up", cue)


@pytest.mark.parametrize("text", ["律师函要钱吗", "那我该怎么办呢", "逾期一周会怎样，会上征信吗，要不要紧"])
def test_questions_of_their_own_are_not_follow_ups(text: str) -> None:
    assert read(text, "faq", ["overdue_days"]).follow_up is None


def test_a_strong_cue_is_a_follow_up_however_sure_the_classifier_is() -> None:
    recover = read("钱还能追回来吗", "faq", key="faq/money_sent_scam", confidence=0.99)
    assert (recover.intent, recover.follow_up) == ("follow_up", "recover")
    assert read("去哪个派出所", "ask_contact_channel", confidence=0.9).follow_up == "police"
    told = read("被骗的钱还能追回来吗", "faq", key="faq/money_sent_scam", confidence=0.99)
    assert told.follow_up is None and told.topic == "faq/money_sent_scam", "the concern is named: its own question"


def test_a_short_question_about_evidence_is_that_question() -> None:
    reading = read("截图算证据吗", "nlu_fallback")
    assert reading.follow_up is None and reading.topic == "faq/collection_evidence"


def test_a_confident_question_with_a_follow_up_word_is_not_a_follow_up() -> None:
    assert read("征信报告在哪查", "faq", [], "faq/credit_report_check", 0.2).follow_up is None  # its own concern
    assert read("办下来大概要多久时间", "faq", [], "faq/extension", 0.9).follow_up is None
    assert read("办下来大概要多久时间", "faq", [], "faq/extension", 0.2).follow_up == "duration"
    assert read("怎么查真假", "faq", [], "faq/credit_report_check", 0.9).follow_up == "how"  # too short to be new


def test_a_follow_up_word_in_a_question_about_something_else_is_not_a_follow_up() -> None:
    # the classifier's first guess, though too unsure to classify, is that the question is off-topic
    assert read("五一去哪玩人少", "nlu_fallback", best_guess="out_of_scope").follow_up is None
    assert read("护照办理大概要多久", "nlu_fallback", best_guess="out_of_scope").follow_up is None
    # a bare cue is too short to be about anything else, whatever the guess
    assert read("要多长时间", "nlu_fallback", best_guess="out_of_scope").follow_up == "duration"
    assert read("五一去哪玩人少", "nlu_fallback", best_guess="follow_up").follow_up == "where"
    # a message about who was just talked about follows on, whatever the guess
    assert read("他们不听怎么办", "out_of_scope", confidence=0.35, best_guess="out_of_scope").follow_up == "refused"


def test_a_short_question_that_names_a_topic_is_not_a_follow_up_when_the_classifier_is_sure() -> None:
    reading = read("逾期了该找谁", "ask_overdue_help", confidence=0.99)
    assert (reading.intent, reading.follow_up) == ("ask_overdue_help", None)
    assert read("逾期了该找谁", "nlu_fallback").follow_up == "where", "unsure: still the previous topic's"


@pytest.mark.parametrize("text", ["逾期三个月了 会被开除吗", "催收要打到主管那 我会不会被辞退啊", "工作怕是保不住了"])
def test_the_fear_of_losing_the_job_is_the_employer_question(text: str) -> None:
    reading = read(text, "out_of_scope", confidence=0.4)
    assert reading.topic == "faq/employer_calls" and reading.intent == "faq", reading


def test_an_off_topic_reading_with_only_a_vague_word_stays_off_topic() -> None:
    assert read("洗衣机漏水了怎么办", "out_of_scope", confidence=0.9).intent == "out_of_scope"


def test_a_cue_the_classifier_overrules_is_kept_as_a_possible_follow_up() -> None:
    sure = read("这种情况我能起诉他吗", "ask_legal_rights", confidence=0.7)
    assert (sure.intent, sure.follow_up, sure.possible_follow_up) == ("ask_legal_rights", None, "sue")
    short = read("这个能告他吗", "ask_legal_rights", confidence=0.7)
    assert (short.follow_up, short.possible_follow_up) == (None, "sue"), "a follow-up only where the last answer has it"
    assert read("他们会起诉我吗", "faq", [], "faq/lawsuit_real", 0.9).possible_follow_up is None
    assert read("护照办理大概要多久", "nlu_fallback", best_guess="out_of_scope").possible_follow_up is None


@pytest.mark.parametrize(
    "text, intent, key, topic, acts_as",
    [
        ("额度突然被冻结了 我一直按时还的 怎么回事", "faq", "faq/borrow_again", "limit_frozen", "faq"),
        ("我老公背着我借了三万 这是夫妻共同债务吗", "inform_situation", None, "spouse_debt", "inform_situation"),
        ("离婚了还要还吗", "nlu_fallback", None, "spouse_debt", "ask_legal_rights"),
        ("那房子會被拍賣嗎", "out_of_scope", None, "enforcement", "ask_overdue_consequence"),
    ],
)
def test_topics_only_the_lexicon_knows_are_answered_by_it(text, intent, key, topic, acts_as) -> None:
    reading = read(text, intent, [], key, 0.5)
    assert (reading.topic, reading.intent) == (topic, acts_as), reading


@pytest.mark.parametrize(
    "text",
    ["逾期以后额度清零了 多久能再有额度", "他们给我老婆打电话说我欠钱 我老婆闹着要离婚", "催收骂我是老赖"],
)
def test_overdue_borrowers_and_quarrels_are_not_those_topics(text: str) -> None:
    found = read(text, "inform_situation").concerns
    assert not {"limit_frozen", "spouse_debt", "enforcement"} & set(found), found


def test_a_warrant_sent_by_a_caller_is_the_fake_police() -> None:
    reading = read("催收给我发了个逮捕令的照片 说明天来抓我", "faq", [], "faq/public_shaming", 0.7)
    assert reading.urgent[:1] == ["faq/fake_police"] and reading.concerns[0] == "faq/fake_police"


def test_a_message_about_who_was_just_talked_about_may_be_that_topic_again() -> None:
    assert read("他们来了我该怎么办", "ask_overdue_help", confidence=0.8).possible_follow_up == "same"
    assert read("这个月还不上怎么办", "ask_overdue_help", confidence=0.8).possible_follow_up is None, "this month"
    assert read("他们说我要坐牢怎么办", "faq", [], "faq/jail", 0.9).possible_follow_up is None, "a question of its own"


@pytest.mark.parametrize(
    "text, first",
    [
        ("催收发了个视频给我 拿刀的 说知道我家在哪", "safety_threat"),  # a threat received, not made
        ("他们说知道你家住哪 小心点", "safety_threat"),
        ("我已经点了 还填了身份证号", "faq/money_sent_scam"),  # details typed into a fraudster's page
        ("他还说再转五千就能降额度解冻", "faq/fake_agent_transfer"),  # money asked to unlock something
    ],
)
def test_danger_found_by_the_third_probe(text: str, first: str) -> None:
    assert read(text, "faq", [], "faq/borrow_again", 0.9).urgent[:1] == [first]


def test_whether_to_call_the_police_and_whether_family_is_told_are_answered_too() -> None:
    police = read("要不要报警 我怕报了警他们更狠", "faq", [], "faq/fake_police", 0.7)
    assert "after/police" in police.concerns and police.several
    assert "faq/family_calls" in read("会不会通知我爸妈", "faq", [], "faq/guarantor", 0.7).concerns


@pytest.mark.parametrize("text", ["你能帮我给微粒贷打电话谈吗", "你帮我跟银行说一下吧", "能不能替我去谈"])
def test_asking_the_simulation_to_call_for_them_is_answered_whatever_the_intent(text: str) -> None:
    reading = read(text, "request_human", confidence=0.8)
    assert (reading.topic, reading.intent) == ("call_for_me", "ask_contact_channel"), reading


@pytest.mark.parametrize(
    "text",
    ["你们能不能别打电话了", "我想自己跟客服谈谈", "委托第三方帮我跟银行协商", "你帮我生成一份打电话用的方案单子"],
)
def test_pleas_and_paid_agents_are_not_asking_the_simulation_to_call(text: str) -> None:
    assert "call_for_me" not in read(text, "faq", [], "faq/debt_agents", 0.8).concerns


@pytest.mark.parametrize("text, crisis", [("没人能帮我", True), ("谁也帮不了我", True), ("有人能帮我算吗", False)])
def test_hopelessness_gets_the_crisis_help(text: str, crisis: bool) -> None:
    assert (read(text, "request_prep_pack", confidence=0.6).intent == "safety_crisis") == crisis


def test_asking_around_is_no_threat() -> None:
    assert not read("催收在我们公司的工作群里找人打听我", "faq", [], "faq/employer_calls", 0.9).urgent


def test_offering_an_id_number_is_answered_never_send_it() -> None:
    reading = read("那我可以在这里把身份证发你帮我查下欠多少吗", "faq", [], "faq/public_shaming", 0.6)
    assert reading.topic == "faq/private_offer" and "faq/public_shaming" not in reading.concerns


def test_several_concerns_most_urgent_first() -> None:
    text = "借了微粒贷两万五分10期厂里停工三个月没工资已经逾期四十多天了催收还打到我老婆那去了现在咋办"
    reading = read(text, "inform_situation", ["amount", "term_months", "overdue_days"])
    assert reading.several and reading.concerns == ["faq/family_calls", "ask_overdue_help"]


def test_the_classified_question_takes_its_place_by_urgency() -> None:
    reading = read("会不会坐牢 催收说要来我家", "faq", [], "faq/jail")
    assert reading.concerns == ["faq/home_visit", "faq/jail"] and reading.several


def test_one_question_with_a_general_word_is_one_answer() -> None:
    reading = read("催收打我老婆电话怎么办", "faq", [], "faq/family_calls")
    assert not reading.several and reading.topic == "faq/family_calls"


@pytest.mark.parametrize(
    "text, calls_family",
    [
        # asking family for money is no call to the family (round three: the agent answered 找亲戚借了点 on calls)
        ("我现在找亲戚借了点 凑了一万五", False),
        ("找我爸凑了两万 一次性还了吧", False),
        ("打电话给我哥借了五千", False),
        ("联系了我姐帮忙 先还三千", False),
        ("催收找我妈要钱 怎么办", True),
        ("他们打给我亲戚了 还说我是老赖", True),
    ],
)
def test_asking_family_for_money_is_no_call_to_the_family(text: str, calls_family: bool) -> None:
    assert ("faq/family_calls" in read(text, "negotiate_repayment", [], None).concerns) == calls_family


def test_one_short_question_with_a_number_is_one_answer() -> None:
    reading = read("逾期一个半月会上征信吗", "faq", ["overdue_days"], "faq/overdue_few_days", 0.9)
    assert not reading.several and reading.topic == "faq/overdue_few_days"
    facts = ["amount", "overdue_days"]
    longer = read("借了3w逾期二十天 催收打到我单位 会不会上征信", "faq", facts, "faq/employer_calls")
    assert longer.several and longer.concerns == ["faq/employer_calls", "ask_overdue_consequence"]


@pytest.mark.parametrize(
    "text, key, first, absent",
    [
        ("逾期还清以后多久能消除", "faq/negative_record_duration", "faq/negative_record_duration",
         "faq/credit_objection"),
        ("我只还本金 罚息能免掉吗", "faq/principal_only", "faq/principal_only", None),
        ("冒充客服让我注销账户 我转了1.6w过去 现在拉黑我了", "faq/money_sent_scam", "faq/money_sent_scam",
         "faq/fake_agent_transfer"),  # money sent: "don't transfer" is too late
    ],
)  # fmt: skip
def test_the_question_asked_comes_first(text: str, key: str, first: str, absent: str | None) -> None:
    reading = read(text, "faq", [], key, 0.9)
    assert (reading.concerns or [reading.topic])[0] == first and absent not in reading.concerns


def test_hardship_with_numbers_is_not_a_calculation() -> None:
    text = "一个月到手四千二房贷就要两千八微粒贷一期还要一千六真的还不起了"
    assert read(text, "ask_interest_calc", ["amount"]).intent == "inform_situation"
    assert read("借一万分12期每期还多少", "ask_interest_calc", ["amount"]).intent == "ask_interest_calc"
    assert read("还不起了帮我算算", "ask_interest_calc", ["calc_request"]).intent == "ask_interest_calc"


def test_an_unsure_classification_still_answers_a_clear_concern() -> None:
    reading = read("shoudao le 律师函 zenme ban", "nlu_fallback")
    assert reading.intent == "faq" and reading.topic == "faq/lawyer_letter"
    # both things said are answered, the calls to work first (more urgent)
    reading = read("cuishou da dao wo danwei le 律师函", "nlu_fallback")
    assert reading.concerns == ["faq/employer_calls", "faq/lawyer_letter"] and reading.several


def test_a_second_real_question_makes_several_concerns() -> None:
    # 分期 is a question of its own, unlike a bare 怎么办
    text = "催收一天打二三十个电话 一天打这么多合法吗 我又不是不还 我愿意还就是想分期"
    reading = read(text, "faq", [], "faq/night_calls")
    assert reading.several and "negotiate_repayment" in reading.concerns


def test_a_framed_follow_up_stays_on_the_topic_however_sure_the_classifier_is() -> None:
    # 那…呢 with no question of its own: the previous question, for this case
    reading = read("那我提前全部还清呢", "faq", [], "faq/early_repayment_interest", confidence=0.9)
    assert reading.follow_up == "same" and reading.intent == "follow_up"
    # …but a question of its own in the frame is that question
    assert read("那提前还款的利息怎么算呢", "faq", [], "faq/early_repayment_interest", 0.9).follow_up is None


def test_no_overdue_advice_for_someone_who_never_borrowed() -> None:
    text = "我根本没借过微粒贷 突然收到催收短信说我欠了一万二 是不是有人冒用我身份证借的 我该怎么办"
    reading = read(text, "ask_overdue_help", ["amount"], confidence=0.6)
    assert "faq/identity_theft" in reading.concerns
    assert not {"ask_overdue_help", "ask_overdue_consequence"} & set(reading.concerns), reading.concerns


@pytest.mark.parametrize(
    "text, concern",
    [
        ("客服让我把验证码报给他 说是核实身份 可以给吗", "faq/fake_agent_transfer"),
        ("客服打电话让我把验证码念给他听", "faq/fake_agent_transfer"),
        ("客服让我把验证码给他 我没给", "faq/fake_agent_transfer"),
        ("我把验证码给他了 现在怎么办", "faq/money_sent_scam"),
        ("把短信验证码告诉了对方 然后账户就被借走了一笔钱", "faq/money_sent_scam"),
        ("验证码我给他了", "faq/money_sent_scam"),
    ],
)
def test_a_code_asked_for_is_not_a_code_given(text: str, concern: str) -> None:
    reading = read(text, "faq", [], "faq/fake_agent_transfer", 0.9)
    assert reading.urgent[:1] == [concern], reading.urgent


def test_asked_to_transfer_is_not_money_already_sent() -> None:
    text = "有个自称公安局的人打电话说我微粒贷涉嫌诈骗 要我配合调查把钱转到安全账户 说不转就上门抓我 怎么办"
    reading = read(text, "faq", [], "faq/fake_police", 0.9)
    assert reading.urgent and "faq/money_sent_scam" not in reading.concerns


@pytest.mark.parametrize(
    "text, concern",
    [
        ("the collector keeps calling my mom what can i do", "faq/family_calls"),
        ("wo yuqi le san ge yue le hui bu hui zuolao a", "faq/jail"),
        ("will i go to jail if i cant pay weilidai", "faq/jail"),
        ("cuishou da dao wo danwei le", "faq/employer_calls"),
        ("they are calling my boss at work", "faq/employer_calls"),
    ],
)
def test_english_and_pinyin_name_the_specific_concern(text: str, concern: str) -> None:
    assert concern in read(text, "ask_overdue_help", confidence=0.6).concerns


@pytest.mark.parametrize(
    "text",
    [
        "帮我写协商还款申请书 我欠两万 逾期一个月 失业了 月收入三千 每月最多能还一千",
        "能不能帮我写个投诉信 催收天天骂人",
        "生成我的协商准备单",
    ],
)
def test_a_document_asked_for_is_the_request_however_much_else_is_said(text: str) -> None:
    assert read(text, "negotiate_repayment", confidence=0.9).intent == "request_prep_pack"


@pytest.mark.parametrize(
    "text", ["投诉信要寄到微众银行哪个地址", "需要写申请书吗", "催收说今晚派人来砍我 帮我写投诉信"]
)
def test_questions_about_documents_and_danger_are_not_the_request(text: str) -> None:
    assert read(text, "faq", key="faq/complaint_bank", confidence=0.9).intent != "request_prep_pack"


def test_the_classifiers_own_danger_question_pre_empts_like_the_words() -> None:
    """Danger is learned: money already sent, read by the classifier in words no pattern knows, pre-empts a
    form or a call (urgent), as the patterns' words do; an unsure reading does not.
    """
    told = "他让我弄的那些我全照做了 现在人联系不上了"  # no word of the lexicon's
    sure = read(told, "faq", key="faq/money_sent_scam", confidence=0.9)
    assert sure.urgent == ["faq/money_sent_scam"] and sure.topic == "faq/money_sent_scam"
    assert read(told, "faq", key="faq/money_sent_scam", confidence=0.3).urgent == []


def test_a_safety_intent_alone_does_not_pre_empt_a_call() -> None:
    """A crisis reading by the classifier alone acts as crisis in the chat (its intent), but only the words
    pre-empt a running call: the classifier's crisis false alarms ("书面确认就不用了") must not stop it.
    """
    assert read("书面确认就不用了 我相信你们", "safety_crisis", confidence=0.8).urgent == []


@pytest.mark.parametrize(
    "text, feeling",
    [
        ("说出来都丢人 逾期两个月了 还能分期吗", "shame"),
        ("好慌啊 明天就还款日了 钱不够", "fear"),
        ("看不到头了 每个月工资全还了还不够", "hopeless"),
        ("凭什么罚息这么高 气死了", "anger"),
        ("逾期会影响征信吗", None),  # a question, no feeling told
        ("提前还款要手续费吗", None),
    ],
)
def test_a_stated_feeling_is_read(text: str, feeling: str | None) -> None:
    """The words that say a feeling outright (the family emotion_stated shows how far they reach)."""
    assert read(text, "negotiate_repayment", confidence=0.9).feeling == feeling


@pytest.mark.parametrize(
    "text",
    [
        "客服电话永远打不通 等了四十分钟 我要炸了",  # at the end of one's patience, no one to hurt
        "哭了一晚上 不是想不开啊 就是觉得自己好没用 还完额度还能恢复吗",  # says outright it is not that
    ],
)
def test_venting_words_that_look_like_danger_are_not_danger(text: str) -> None:
    assert not read(text, "ask_contact_channel", confidence=0.9).urgent


def test_the_same_words_with_someone_to_hurt_still_are() -> None:
    assert read("我要去炸了他们公司", "report_harassment", confidence=0.9).urgent == ["safety_anger"]


def test_a_sure_specific_question_is_no_possible_follow_up() -> None:
    """"要多久会上征信" after the lawsuit answer asks about the credit record, not how long a lawsuit takes."""
    assert read("要多久会上征信", "faq", [], "faq/overdue_few_days", 0.84).possible_follow_up is None
    assert read("要多久", "faq", [], "faq/overdue_few_days", 0.5).follow_up == "duration", "unsure: a follow-up"


def names(reading: concerns.Reading) -> list:
    return [step.split(":")[0] for step in reading.trace]


def test_the_trace_names_each_decision_in_the_order_taken() -> None:
    danger = read("我真的不想活了", "ask_overdue_help", confidence=0.6)
    assert names(danger)[0] == "classifier" and "ask_overdue_help 0.60" in danger.trace[0]
    assert "danger_first" in names(danger)
    assert names(danger).index("concern_words") < names(danger).index("danger_first")
    off_topic = read("五一去哪玩人少", "nlu_fallback", best_guess="out_of_scope")
    assert "off_topic_question" in names(off_topic) and "follow_up" not in names(off_topic)
    assert "(best guess out_of_scope)" in off_topic.trace[0]
    follow = read("那要多久", "follow_up", confidence=0.9)
    assert names(follow)[-1] == "follow_up" and follow.trace[-1].endswith("duration")
    sure = read("办下来大概要多久时间", "faq", [], "faq/extension", 0.9)
    assert "not_a_follow_up" in names(sure) and sure.trace[-1] == "topic: faq/extension"


def test_the_trace_holds_labels_only_never_the_message() -> None:
    text = "我欠了两万五 逾期四十天 实在还不上 好丢人"
    reading = read(text, "inform_situation", ["amount", "overdue_days"], confidence=0.7)
    assert reading.trace and reading.feeling == "shame" and "feeling: shame" in reading.trace
    assert not any(word in step for step in reading.trace for word in ("两万五", "丢人", "逾期四十天"))


def test_scam_words_yield_to_a_sure_question_and_are_answered_after_it() -> None:
    # A past scam told as the reason (family past_scam_as_reason): the question first, the scam after it.
    text = "之前做兼职刷单被骗了一万二 借了微粒贷 现在又失业了 能延期吗"
    sure = read(text, "faq", [], "faq/extension", 1.0)
    assert sure.urgent == [] and (sure.intent, sure.topic) == ("faq", "faq/extension")
    assert sure.concerns[-1] == "faq/money_sent_scam" and "danger_words_yield" in names(sure)
    unsure = read(text, "faq", [], "faq/extension", 0.6)
    assert unsure.urgent == ["faq/money_sent_scam"], "while the classifier is unsure, the words pre-empt"


def test_crisis_and_threat_words_never_yield() -> None:
    assert read("借了两万还不上 撑不下去了 能延期吗", "faq", [], "faq/extension", 1.0).intent == "safety_crisis"
    assert read("催收说要找人砍我 能延期吗", "faq", [], "faq/extension", 1.0).intent == "safety_threat"


def test_scam_words_never_yield_to_a_reading_about_a_scam() -> None:
    text = "收到短信说微粒贷额度提升 点链接下了个APP 填了银行卡号和密码 卡里的钱全没了"
    reading = read(text, "faq", [], "faq/fake_app", 1.0)
    assert reading.urgent == ["faq/money_sent_scam"] and "danger_words_yield" not in names(reading)


def test_a_learned_danger_kind_joins_the_words_floor_and_is_traced() -> None:
    text = "欠了两万五 每天都在想从楼上下去算了 催收天天打电话"  # no listed crisis words
    plain = concerns.read(LEXICON, normalise(text), "ask_overdue_help", [], None, 0.6)
    learned = concerns.read(
        LEXICON, normalise(text), "ask_overdue_help", [], None, 0.6, None, {"safety_crisis": 0.9, "safety_threat": 0.1}
    )
    assert plain.urgent == [] and learned.urgent == ["safety_crisis"] and learned.intent == "safety_crisis"
    assert "learned_kinds" in names(learned) and "safety_threat" not in learned.urgent


def test_a_learned_kind_below_its_threshold_or_not_learned_is_not_found() -> None:
    text = "逾期了怎么办"
    low = {"safety_crisis": concerns.LEARNED_KIND_CONFIDENCE["safety_crisis"] - 0.01}
    assert concerns.read(LEXICON, text, "ask_overdue_help", [], None, 1.0, None, low).urgent == []
    unlisted = {"faq/money_sent_scam": 0.99}  # a kind with no threshold is never found by the learned reading
    assert concerns.read(LEXICON, text, "ask_overdue_help", [], None, 1.0, None, unlisted).urgent == []


def test_a_learned_kind_is_not_found_when_the_classifier_is_sure_of_something_else() -> None:
    text = "逾期了是不是就要打电话给我爸妈了，我家里人都不知道我借钱的事。。。"  # a false alarm of the learned reading
    scores = {"safety_crisis": 0.74}
    sure = concerns.read(LEXICON, normalise(text), "faq", [], "faq/family_calls", 1.0, None, scores)
    unsure = concerns.read(LEXICON, normalise(text), "faq", [], "faq/family_calls", 0.6, None, scores)
    assert sure.urgent == [] and sure.topic == "faq/family_calls" and unsure.urgent == ["safety_crisis"]


def test_a_topic_the_classifier_ranks_second_is_asked_too_in_a_longer_message() -> None:
    text = normalise("逾期快一年了一直没还欠了两万三 现在收到短信说要移交法院还会列入失信人员限制坐高铁 真的假的")
    ranked = [("faq/lawsuit_real", 0.41), ("inform_situation", 0.34), ("ask_overdue_consequence", 0.22)]
    reading = concerns.read(LEXICON, text, "faq", ["amount"], "faq/lawsuit_real", 0.41, None, None, ranked=ranked)
    assert reading.concerns == ["faq/lawsuit_real", "ask_overdue_consequence"] and reading.several
    assert "also_asked" in names(reading) and reading.topic == "faq/lawsuit_real"
    short = concerns.read(LEXICON, "会被起诉吗", "faq", [], "faq/lawsuit_real", 0.41, None, None, ranked=ranked)
    assert short.concerns == ["faq/lawsuit_real"], "one short question is one answer"
    low = [("faq/lawsuit_real", 0.8), ("ask_overdue_consequence", 0.19)]
    assert concerns.read(LEXICON, text, "faq", [], "faq/lawsuit_real", 0.8, ranked=low).concerns == ["faq/lawsuit_real"]


FOLLOWS_MORE = {"new": 0.1, "more": 0.7, "same": 0.1, "aspect": 0.1}
FOLLOWS_NEW = {"new": 0.8, "more": 0.1, "same": 0.05, "aspect": 0.05}
FOLLOWS_ASPECT = {"new": 0.1, "more": 0.1, "same": 0.1, "aspect": 0.7}
RANKED = [("follow_up", 0.5), ("faq/credit_report_check", 0.4), ("ask_overdue_help", 0.1)]


@pytest.mark.parametrize(
    "text, intent, follows, ranked, expected_intent, cue",
    [
        # in a conversation, the learned reading decides, whatever the length or the opening words
        ("麻烦您再给我详细讲讲刚才那几条 我年纪大了看不明白", "ask_negotiation_tips", FOLLOWS_MORE, (), "follow_up",
         "more"),
        ("申请完了大概多久能批下来啊 我怕来不及", "negotiate_repayment", FOLLOWS_ASPECT, (), "follow_up", "duration"),
        # an aspect in words no cue lists: the last answer again, in short with what it left out
        ("这个具体咋弄", "ask_overdue_help", FOLLOWS_ASPECT, (), "follow_up", "same"),
        # a new question that the intent classifier took for a follow-up: its next reading
        ("征信在哪查", "follow_up", FOLLOWS_NEW, RANKED, "faq", None),
        # danger first, whatever the follow-up reading
        ("还有呢 我真的不想活了", "follow_up", FOLLOWS_MORE, (), "safety_crisis", None),
    ],
)  # fmt: skip
def test_the_learned_follow_up_reading_decides_in_a_conversation(
    text: str, intent: str, follows: dict, ranked: list, expected_intent: str, cue: str | None
) -> None:
    reading = concerns.read(LEXICON, normalise(text), intent, [], None, 0.9, None, ranked=ranked, follows=follows)
    assert (reading.intent, reading.follow_up) == (expected_intent, cue), reading.trace
    assert any(step.startswith("follows: ") for step in reading.trace)


def test_a_new_question_too_unsure_to_answer_falls_back() -> None:
    ranked = [("follow_up", 0.9), ("faq/credit_report_check", 0.05)]
    reading = concerns.read(LEXICON, "嗯嗯那个", "follow_up", [], None, 0.9, None, ranked=ranked, follows=FOLLOWS_NEW)
    assert reading.intent == "nlu_fallback" and reading.follow_up is None


@pytest.mark.parametrize("last_topic, context", [(None, None), ("", None), ("negotiate_repayment", "plan"),
                                                 ("ask_interest_calc", "plan"), ("faq/lawyer_letter", "answer")])
def test_the_kind_of_the_last_answer(last_topic: str | None, context: str | None) -> None:
    assert concerns.context_of(last_topic) == context


FOLLOWS_SAME = {"new": 0.1, "more": 0.1, "same": 0.7, "aspect": 0.1}


@pytest.mark.parametrize(
    "text, intent, entity_types, context, expected",
    [
        # the same question about a named aspect: that aspect ("那违约金呢" after the penalty answer)
        ("那违约金呢", "follow_up", [], "answer", ("follow_up", "fee")),
        # the same question about a concern of its own: that concern's answer, not the last one again
        ("那律师函呢", "follow_up", [], "answer", ("faq", None)),
        # a sum of money after an answer with no numbers to redo: the borrower's own plan, with the numbers told
        ("如果每个月只能还1000呢", "inform_situation", ["amount"], "answer", ("inform_situation", None)),
        # ... and after a plan, the plan again with it
        ("如果每个月只能还1000呢", "inform_situation", ["amount"], "plan", ("follow_up", "same")),
    ],
)
def test_the_same_question_again_in_context(
    text: str, intent: str, entity_types: list, context: str, expected: tuple
) -> None:
    reading = concerns.read(
        LEXICON, normalise(text), intent, entity_types, None, 0.44, None, follows=FOLLOWS_SAME, context=context
    )
    assert (reading.intent, reading.follow_up) == expected, reading.trace


def test_a_new_number_is_what_changed_even_beside_an_aspect_word() -> None:
    reading = concerns.read(
        LEXICON, "如果我想分二十期的话每个月要还多少钱啊", "follow_up", ["term_months"], None, 0.5, None,
        follows=FOLLOWS_SAME, context="plan",
    )  # fmt: skip
    assert reading.follow_up == "same", reading.trace


@pytest.mark.parametrize(
    "text, confidence, topic",
    [
        ("第一期八百我现在就转给你 你给个账号", 0.97, "faq/private_offer"),  # sure: the offer
        ("你给我定个数吧 我也不懂", 0.4, "negotiate_repayment"),  # unsure: the next reading, a plan asked for
        ("那我把身份证发你 你帮我查下", 0.3, "faq/private_offer"),  # unsure, but the words name the offer
    ],
)
def test_an_offer_to_hand_over_money_or_a_code_is_read_only_when_sure_or_named(text, confidence, topic) -> None:
    ranked = [("faq/private_offer", confidence), ("negotiate_repayment", 0.3), ("ask_materials", 0.1)]
    reading = concerns.read(LEXICON, normalise(text), "faq", [], "faq/private_offer", confidence, ranked=ranked)
    assert reading.topic == topic and reading.urgent == []
    assert "faq/private_offer" in reading.concerns or topic != "faq/private_offer"


def test_a_question_in_a_clause_of_its_own_is_read_beside_the_facts() -> None:
    """"四千五左右 七百可能稳一点 征信到底上没上啊": the whole reads as a situation told; its last clause asks about
    credit, sure, and the Reading keeps that question (a practice call answers it).
    """
    clause_labels = [("inform_situation", 0.9), ("inform_situation", 0.7), ("ask_overdue_consequence", 0.93)]
    reading = concerns.read(
        LEXICON, normalise("四千五左右 七百可能稳一点 征信到底上没上啊"), "inform_situation", ["amount"], None, 0.95,
        clause_labels=clause_labels,
    )
    assert reading.questions == ["ask_overdue_consequence"]
    unsure = [("inform_situation", 0.9), ("ask_overdue_consequence", 0.5)]
    assert concerns.read(LEXICON, "四千五左右 征信呢", "inform_situation", clause_labels=unsure).questions == []


@pytest.mark.parametrize(
    "text, confidence, scores, unsure",
    [
        ("最后问一句 我自己手机录音可以吧？不违法吧", 0.30, {}, True),  # round two: a crisis at 0.30 ended a call
        ("最后问一句 我自己手机录音可以吧？不违法吧", 0.8, {}, False),  # sure enough
        ("我不想活了 录音可以吧", 0.30, {}, False),  # its words say it
        ("最后问一句 我自己手机录音可以吧", 0.30, {"safety_crisis": 0.9}, False),  # the learned danger reading says it
    ],
)
def test_a_danger_only_the_intent_classifier_reads_unsure_is_still_danger_marked_unsure(
    text, confidence, scores, unsure
) -> None:
    """Danger stays danger (safety first); under UNSURE_DANGER, with no danger words or learned kind, the reading
    says it is unsure, and a practice call then gives the help first and goes on (actions.rehearsal).
    """
    reading = concerns.read(LEXICON, normalise(text), "safety_crisis", [], None, confidence, None, scores)
    assert reading.intent == "safety_crisis" or "safety_crisis" in reading.urgent
    assert reading.danger_unsure is unsure, reading.trace


@pytest.mark.parametrize(
    "text, reported",
    [
        # round four: a scam half a year old, reported, paused a practice call twice with "马上打 110"
        ("半年前刷单被骗了三万 报过警了 有回执 现在想谈分期", True),
        ("之前被骗了两万 报案了 派出所有笔录 工资五千 每月能还一千二", True),
        # not reported: the scam's help, as before; a crisis is never softened by it
        ("刚被骗了两万 转到安全账户了", False),
        ("被骗了三万 报了警也没用 我不想活了", False),
        ("有人冒充法院的打电话说我已经被立案了要我马上交钱", False),  # the fraudster's claim, not a report
    ],
)
def test_a_scam_said_to_be_reported_is_marked_so_and_stays_danger(text: str, reported: bool) -> None:
    intent = "safety_crisis" if "不想活" in text else "faq"
    key = "faq/fake_police" if "冒充" in text else "faq/money_sent_scam"
    reading = read(text, intent, [], key, 0.9)
    assert reading.urgent, "still danger: its help comes first"
    assert reading.danger_reported == reported


@pytest.mark.parametrize(
    "text",
    ["傻逼客服就知道催", "操你的 又是这套", "烦不烦啊你们", "你们这些骗子", "还钱还钱还钱！！！", "我就去你们公司闹"],
)
def test_profanity_and_shouting_are_rude_by_the_words_alone(text: str) -> None:
    assert concerns.rude_by_words(LEXICON, normalise(text))


@pytest.mark.parametrize(
    "text", ["我被骗子骗了两千", "催收骂我傻逼", "他们说我是老赖 还骂我混蛋", "之前有个骗子冒充你们", "我命真他妈苦"]
)
def test_words_reported_or_quoted_are_not_rude_by_the_words(text: str) -> None:
    assert not concerns.rude_by_words(LEXICON, normalise(text))


def test_the_learned_rudeness_is_taken_where_the_words_find_none() -> None:
    line = normalise("你算哪根葱 叫你们领导来")
    assert not concerns.rude_by_words(LEXICON, line)
    assert concerns.read(LEXICON, line, "request_human", rude_score=0.9).rude
    assert not concerns.read(LEXICON, line, "request_human", rude_score=0.2).rude
    assert "learned_rude: 0.90" in concerns.read(LEXICON, line, "request_human", rude_score=0.9).trace
