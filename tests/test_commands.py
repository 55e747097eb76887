"""Slash commands as operators really type them: Russian names, the Russian layout, one letter off."""

from __future__ import annotations

import pytest

from objcoach.mentor.review import review_key
from objcoach.practice.commands import read_command


@pytest.mark.parametrize(("typed", "command"), [
    ("/hint", "/hint"), (".рште", "/hint"), (".руте", "/hint"), ("/подсказка", "/hint"), ("/ПОДСКАЗКА", "/hint"),
    (".ылшз", "/skip"), ("/пропустить", "/skip"), (".фтыцук", "/answer"), ("/ответ", "/answer"),
    (".йгше", "/quit"), ("/выход", "/quit"), (".рудз", "/help"), ("/помощь", "/help"), ("/оспорить", "/dispute"),
    ("/hnt", "/hint"), ("/skipp", "/skip"),
])
def test_a_command_is_read_however_it_was_typed(typed: str, command: str) -> None:
    assert read_command(typed) == (command, "")


def test_the_argument_follows_the_command() -> None:
    assert read_command(".вшызгеу слишком строго") == ("/dispute", "слишком строго")
    assert read_command("/оспорить был вопрос") == ("/dispute", "был вопрос")


@pytest.mark.parametrize("reply", [".понимаю вас", "...", "Понимаю. Давайте пришлю условия?", ". ок", ".да"])
def test_a_reply_that_starts_with_a_dot_stays_a_reply(reply: str) -> None:
    assert read_command(reply) is None


def test_an_unknown_slash_word_is_returned_to_be_told_so() -> None:
    assert read_command("/bogus") == ("/bogus", "")


@pytest.mark.parametrize(("typed", "key"), [
    ("a", "a"), ("ф", "a"), ("d", "d"), ("в", "d"), ("c", "c"), ("с", "c"), ("s", "s"), ("ы", "s"), ("", "s"),
    ("q", "q"), ("й", "q"), (None, "q"), ("g", "g"), ("п", "g"), ("x", ""), ("р", ""), ("да", ""),
])
def test_review_keys_work_on_either_layout_and_an_unknown_one_is_asked_again(typed: str | None, key: str) -> None:
    assert review_key(typed) == key
