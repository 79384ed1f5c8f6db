from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from haven.community import actions, selectors
from haven.community.forms import CommentForm, PostForm, ShareForm
from haven.community.models import Space
from haven.core.errors import Invalid
from haven.core.forms import posted
from haven.core.web import add_errors, confirm, cursor_of

COMMENT_WORDS = {
    Space.ANSWERS: ("Answer", "Answers", "Write an answer"),
    Space.NOTEBOOK: ("Correction", "Corrections", "Suggest a correction"),
    Space.DISCUSSIONS: ("Reply", "Replies", "Join the discussion"),
}


def _status(form) -> int:
    return 400 if form.errors else 200


def _thread_url(comment) -> str:
    """The page a comment is shown on: its post's, or its timeline share's."""
    if comment.share_id is not None:
        return reverse("community:share", args=[comment.share_id])
    return reverse("community:post", args=[comment.post_id])


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        latest = {space: selectors.posts_in(None, space=space, limit=3).items for space in Space}
        return render(request, "community/welcome.html", {"latest": latest, "spaces": Space})
    page = selectors.feed_for(request.user, cursor=cursor_of(request))
    return render(request, "community/home.html", {"page": page, "share_form": ShareForm()})


def space(request: HttpRequest, space: str) -> HttpResponse:
    if space not in Space.values:
        raise Http404
    page = selectors.posts_in(request.user, space=space, cursor=cursor_of(request))
    return render(request, "community/space.html", {"space": Space(space), "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def new_post(request: HttpRequest, space: str) -> HttpResponse:
    if space not in Space.values:
        raise Http404
    form = PostForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            post = actions.create_post(actor=request.user, space=space, **form.cleaned_data)
        except Invalid as exc:
            add_errors(form, exc)
        else:
            return redirect("community:post", post.pk)
    context = {"form": form, "space": Space(space)}
    return render(request, "community/post_form.html", context, status=_status(form))


def post_detail(
    request: HttpRequest, post_id: int, form: CommentForm | None = None
) -> HttpResponse:
    post = selectors.access_post(request.user, post_id)
    page = selectors.comments_on(request.user, post, cursor=cursor_of(request))
    context = {
        "post": post,
        "page": page,
        "words": COMMENT_WORDS[post.space],
        "comment_form": form or CommentForm(),
        "is_author": request.user.is_authenticated and request.user.pk == post.author_id,
    }
    return render(request, "community/post.html", context, status=_status(form) if form else 200)


@login_required
@require_http_methods(["GET", "POST"])
def edit_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.access_post(request.user, post_id)
    initial = {"title": post.title, "body": post.body, "language": post.language}
    form = PostForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_post(actor=request.user, post=post, **form.cleaned_data)
        except Invalid as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Your post is updated.")
            return redirect("community:post", post.pk)
    context = {"form": form, "space": Space(post.space), "post": post}
    return render(request, "community/post_form.html", context, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def delete_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.access_post(request.user, post_id)
    if request.method == "GET":
        return confirm(
            request,
            title="Delete this post?",
            question="The post and its comments will be gone for everyone. This can't be undone.",
            confirm_label="Delete post",
            cancel_url=reverse("community:post", args=[post.pk]),
            preview=post.title,
        )
    actions.delete_post(actor=request.user, post=post)
    messages.success(request, "Your post is deleted.")
    return redirect("community:space", post.space)


def _comment(request: HttpRequest, **target) -> tuple[CommentForm, object | None]:
    """Add the posted comment (or reply) to a post or a share; the form carries errors."""
    form = CommentForm(request.POST)
    if not form.is_valid():
        return form, None
    parent = None
    if form.cleaned_data["parent_id"]:
        parent = selectors.access_comment(request.user, form.cleaned_data["parent_id"])
    try:
        comment = actions.add_comment(
            actor=request.user, body=form.cleaned_data["body"], parent=parent, **target
        )
    except Invalid as exc:
        add_errors(form, exc)
        return form, None
    return form, comment


@login_required
@require_POST
def add_comment(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.access_post(request.user, post_id)
    form, comment = _comment(request, post=post)
    if comment is not None:
        return redirect(reverse("community:post", args=[post.pk]) + f"#c{comment.pk}")
    return post_detail(request, post.pk, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def edit_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = selectors.access_comment(request.user, comment_id)
    form = CommentForm(posted(request), initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit_comment(
                actor=request.user, comment=comment, body=form.cleaned_data["body"]
            )
        except Invalid as exc:
            add_errors(form, exc)
        else:
            return redirect(_thread_url(comment) + f"#c{comment.pk}")
    context = {"form": form, "comment": comment, "thread_url": _thread_url(comment)}
    return render(request, "community/comment_form.html", context, status=_status(form))


@login_required
@require_http_methods(["GET", "POST"])
def delete_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = selectors.access_comment(request.user, comment_id)
    if request.method == "GET":
        return confirm(
            request,
            title="Delete this comment?",
            question="The comment and any replies to it will be gone for everyone.",
            confirm_label="Delete comment",
            cancel_url=_thread_url(comment),
            preview=comment.body,
        )
    actions.delete_comment(actor=request.user, comment=comment)
    messages.success(request, "Your comment is deleted.")
    return redirect(_thread_url(comment))


@login_required
@require_POST
def create_share(request: HttpRequest) -> HttpResponse:
    form = ShareForm(request.POST)
    if form.is_valid():
        post_id = form.cleaned_data["post_id"]
        post = selectors.access_post(request.user, post_id) if post_id else None
        try:
            actions.share(actor=request.user, text=form.cleaned_data["text"], post=post)
        except Invalid as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "Shared on your timeline.")
            return redirect("community:home")
    page = selectors.feed_for(request.user)
    return render(request, "community/home.html", {"page": page, "share_form": form}, status=400)


def share_detail(
    request: HttpRequest, share_id: int, form: CommentForm | None = None
) -> HttpResponse:
    share = selectors.access_share(request.user, share_id)
    page = selectors.comments_on_share(request.user, share, cursor=cursor_of(request))
    context = {"share": share, "page": page, "comment_form": form or CommentForm()}
    return render(request, "community/share.html", context, status=_status(form) if form else 200)


@login_required
@require_POST
def add_share_comment(request: HttpRequest, share_id: int) -> HttpResponse:
    share = selectors.access_share(request.user, share_id)
    form, comment = _comment(request, share=share)
    if comment is not None:
        return redirect(_thread_url(comment) + f"#c{comment.pk}")
    return share_detail(request, share.pk, form=form)


@login_required
@require_http_methods(["GET", "POST"])
def delete_share(request: HttpRequest, share_id: int) -> HttpResponse:
    share = selectors.access_share(request.user, share_id)
    if request.method == "GET":
        return confirm(
            request,
            title="Remove this share?",
            question="It will disappear from your timeline and your friends' feeds.",
            confirm_label="Remove share",
            cancel_url=reverse("community:share", args=[share.pk]),
            preview=share.text,
        )
    actions.delete_share(actor=request.user, share=share)
    messages.success(request, "Removed from your timeline.")
    return redirect("members:profile", request.user.username)
