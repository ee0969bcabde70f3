from __future__ import annotations

from collections.abc import Callable

import pytest
from emotion_support import build_emotion, build_scene

from scenescore.emotion.records import SceneEmotion
from scenescore.records import Scene


@pytest.fixture
def make_scene() -> Callable[..., Scene]:
    return build_scene


@pytest.fixture
def make_emotion() -> Callable[..., SceneEmotion]:
    return build_emotion
