"""`engine._remove_images`: labelled layers go whatever order the engine lists them in.

The engine cannot be made to list a parent before its child on demand, so this stand-in
images API behaves as the engine does: a parent with a child refuses removal, and removing
a child prunes its untagged parent unless told not to. The harness tells it not to: the
unlabelled layers stay as the build cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import docker.errors
import pytest

from grader.sandbox.engine import _remove_images


@dataclass
class Image:
    id: str
    parent: str | None = None

    @property
    def short_id(self) -> str:
        return self.id[:12]


@dataclass
class Images:
    present: dict[str, Image]
    listing: list[str]
    removals: list[str] = field(default_factory=list)

    def list(self, all: bool, filters: object) -> list[Image]:
        return [self.present[i] for i in self.listing if i in self.present]

    def remove(self, image_id: str, force: bool, noprune: bool = False) -> None:
        if image_id not in self.present:
            raise docker.errors.NotFound("gone")
        if any(image.parent == image_id for image in self.present.values()):
            raise docker.errors.APIError("conflict: image has dependent child images")
        parent = self.present.pop(image_id).parent
        self.removals.append(image_id)
        if parent in self.present and not noprune:
            del self.present[parent]  # pruned with its only child


@dataclass
class Client:
    images: Images


@pytest.mark.parametrize("listing", [["parent", "child"], ["child", "parent"]])
def test_every_order_removes_all_without_an_error(listing: list[str]) -> None:
    images = Images(
        present={"parent": Image("parent"), "child": Image("child", parent="parent")},
        listing=listing,
    )
    errors: list[str] = []
    removed = _remove_images(Client(images), {"label": ["x"]}, errors)
    assert images.present == {}
    assert errors == []
    assert removed == ["child", "parent"]


def test_the_unlabelled_layers_beneath_stay_as_the_build_cache() -> None:
    images = Images(
        present={
            "pip-install": Image("pip-install"),
            "label": Image("label", parent="pip-install"),
        },
        listing=["label"],  # only the LABEL layers carry the harness's labels
    )
    errors: list[str] = []
    removed = _remove_images(Client(images), {"label": ["x"]}, errors)
    assert removed == ["label"]
    assert list(images.present) == ["pip-install"]
    assert errors == []


def test_an_image_that_really_stays_is_reported() -> None:
    images = Images(
        present={"base": Image("base"), "kid": Image("kid", parent="base")}, listing=["base"]
    )  # fmt: skip  (its child is not ours to remove)
    errors: list[str] = []
    _remove_images(Client(images), {"label": ["x"]}, errors)
    assert errors == ["base: conflict: image has dependent child images"]
