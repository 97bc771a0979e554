"""The community feed: members post text and image URLs (optionally at a store, with tags)
and comment; posts and comments earn POST / COMMENT points within their caps. HQ can hide a
post; a store's feed shows its posts."""

from __future__ import annotations

from dataclasses import dataclass


from domain import events
from domain.engagement.activities import Earned, acting_member, earn_for
from domain.engagement.errors import EngagementErrorCode
from domain.engagement.models import Post, PostComment
from franchise import audit, validation
from franchise.errors import DomainError, FranchiseErrorCode, invalid
from franchise.models import Store
from policies import Principal, PrincipalKind, authorize, may, store_scope

MAX_IMAGES = 9


@dataclass
class Posted:
    post: Post
    earned: Earned


@dataclass
class Commented:
    comment: PostComment
    earned: Earned


def _image_urls(urls: list[str] | None) -> list[str]:
    urls = urls or []
    if len(urls) > MAX_IMAGES:
        raise invalid(f"At most {MAX_IMAGES} images.", "imageUrls")
    checked = []
    for url in urls:
        url = validation.text(url, "imageUrls", max_length=500)
        if not url.startswith("https://"):
            raise invalid("Images are https URLs.", "imageUrls")
        checked.append(url)
    return checked


async def create_post(principal: Principal, *, text: str, image_urls: list[str] | None = None,
                      store_id: int | None = None, tags: list[str] | None = None) -> Posted:
    member = await acting_member(principal, None, "post")
    values = {"text": validation.text(text, "text", max_length=2000), "image_urls": _image_urls(image_urls),
              "tags": validation.tags(tags)}
    if store_id is not None and not await Store.filter(id=store_id, brand_id=member.brand_id).exists():
        raise DomainError(FranchiseErrorCode.STORE_NOT_FOUND, "No such store.", "storeId")
    post = await Post.create(brand_id=member.brand_id, member_id=member.id, store_id=store_id, **values)
    earned = await earn_for(member, activity="POST", reference=f"post:{post.id}", actor=audit.actor_of(principal),
                            store_id=store_id)
    return Posted(post, earned)


async def comment_on_post(principal: Principal, *, post_id: int, text: str) -> Commented:
    member = await acting_member(principal, None, "comment")
    text = validation.text(text, "text", max_length=1000)
    post = await Post.filter(id=post_id, brand_id=member.brand_id, hidden=False).first()
    if post is None:
        raise DomainError(EngagementErrorCode.POST_NOT_FOUND, "No such post.", "postId")
    comment = await PostComment.create(brand_id=member.brand_id, post_id=post.id, member_id=member.id, text=text)
    earned = await earn_for(member, activity="COMMENT", reference=f"comment:{comment.id}",
                            actor=audit.actor_of(principal), store_id=post.store_id)
    return Commented(comment, earned)


async def hide_post(principal: Principal, *, post_id: int, hidden: bool = True) -> Post:
    """HQ moderation: a hidden post leaves every feed but HQ's."""
    authorize(principal, "post", "hide")
    async with events.atomic():
        post = await Post.filter(id=post_id, brand_id=principal.brand_id).select_for_update().first()
        if post is None:
            raise DomainError(EngagementErrorCode.POST_NOT_FOUND, "No such post.", "postId")
        if post.hidden != hidden:
            post.hidden = hidden
            await post.save(update_fields=["hidden"])
            await audit.record(principal, brand_id=post.brand_id, action="post.hide" if hidden else "post.show",
                               object_type="Post", object_id=post.id, changes={"hidden": [not hidden, hidden]},
                               store_id=post.store_id)
    return post


def posts_query(principal: Principal, *, store_id: int | None = None):
    """Members read the brand's visible feed; store staff their stores' posts; HQ everything,
    hidden posts included."""
    authorize(principal, "post", "read", store_id=store_id)
    query = Post.filter(brand_id=principal.brand_id)
    scope = store_scope(principal)
    if scope is not None:
        query = query.filter(store_id__in=list(scope))
    if principal.kind is PrincipalKind.MEMBER or not may(principal, "post", "hide"):
        query = query.filter(hidden=False)
    if store_id is not None:
        query = query.filter(store_id=store_id)
    return query
