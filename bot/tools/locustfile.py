"""Locust users for ``make load``: borrowers in mixed conversations over the REST channel.

Runs in its own virtualenv (.venv-load, requirements-load.txt), so it imports nothing from the bot.
Each simulated user is one conversation (its own sender id) and waits 1–3 s between messages, as a
person typing would. A reply with no text counts as a failure.
"""

from __future__ import annotations

import random
import uuid

from locust import HttpUser, between, task

TOPICS = [
    "逾期了会怎么样", "我逾期了怎么办", "利息太高了能不能降", "能不能申请分期还款", "催收天天打电话骚扰我家人",
    "协商要准备什么材料", "微粒贷官方客服电话是多少", "跟客服怎么谈比较好", "口头答应的算数吗", "征信能修复吗",
    "可以去哪里投诉", "你是机器人吗", "谢谢", "逾期了會怎麼樣", "wld yuqi le zenme ban",
]  # fmt: skip
SITUATIONS = ["我被裁员了，欠了两万五，逾期三个月了", "我生病住院了，月收入三千，每个月最多还一千"]
CALCULATOR = ["帮我算算利息", "两万五", "日息万分之五", "分12期", "给我看看完整的还款计划表"]
REHEARSAL = [
    "/start_rehearsal", "普通", "你好，我欠了两万，因为我失业了暂时还不上", "我现在每月收入3000",
    "每个月最多能还1000", "我想申请分24期，每月还1000，能不能减免罚息", "我可以提供失业证明和银行流水",
    "好的，麻烦把方案用短信发给我书面确认",
]  # fmt: skip


class Borrower(HttpUser):
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.sender = f"load-{uuid.uuid4().hex[:12]}"

    def say(self, message: str, name: str) -> None:
        with self.client.post(
            "/webhooks/rest/webhook", json={"sender": self.sender, "message": message}, name=name, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif not any(reply.get("text") for reply in response.json()):
                response.failure("no answer")
            else:
                response.success()

    @task(6)
    def ask_a_question(self) -> None:
        self.say(random.choice(TOPICS), "question")

    @task(2)
    def tell_the_situation_then_ask(self) -> None:
        self.say(random.choice(SITUATIONS), "situation")
        self.say("那我需要准备什么材料", "question")

    @task(1)
    def use_the_calculator(self) -> None:
        for message in CALCULATOR:
            self.say(message, "calculator")

    @task(1)
    def rehearse_a_call(self) -> None:
        for message in REHEARSAL:
            self.say(message, "rehearsal")
