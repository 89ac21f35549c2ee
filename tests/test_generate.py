"""lessons/ is exactly what nbgrader generates from solutions/."""

import shutil

import pytest

from autograder import generate, grading


@pytest.fixture(scope="module")
def released():
    """What nbgrader's generate_assignment makes of solutions/ now."""
    return generate.release()


def test_lessons_are_generated_from_solutions(released, capsys):
    status = generate.main(check=True, released=released)
    assert status == 0, capsys.readouterr().err


def test_a_hand_edit_of_a_lesson_is_caught(released, tmp_path, capsys):
    lessons = tmp_path / "lessons"
    shutil.copytree(generate.LESSONS, lessons)
    first = sorted(lessons.glob("*.ipynb"))[0]
    first.write_text(first.read_text().replace("NotImplementedError",
                                               "NotImplementedErr", 1))
    assert generate.main(check=True, lessons=lessons,
                         released=released) == 1
    assert first.name in capsys.readouterr().err


def test_generated_lessons_hide_solutions_and_hidden_tests(released):
    for lesson, text in released.items():
        assert "### BEGIN SOLUTION" not in text, lesson
        assert "### BEGIN HIDDEN TESTS" not in text, lesson
        assert "raise NotImplementedError()" in text, lesson
        source = grading.lessons()[lesson].read_text()
        assert "### BEGIN HIDDEN TESTS" in source, lesson
