from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.actors.identifiers import RECORD_ID_PATTERN, RecordIdPath
from services.actors.posts.schemas import MembershipIn, MembershipOut, PostIn, PostOut, RoleFilter
from services.actors.posts.service import PostService
from shared.etag import IfMatch, answer_stored, set_etag
from shared.identity import AnyCaller, WritingCaller
from shared.pagination import Page, Paging
from shared.periods import AsOfQuery, CloseIn
from shared.problems import problem_responses
from shared.service_provider import provided

RecordQuery = Annotated[str | None, Query(pattern=RECORD_ID_PATTERN)]
Posts = Annotated[PostService, provided(PostService, AnyCaller)]
PostWriter = Annotated[PostService, provided(PostService, WritingCaller)]

router = APIRouter(tags=["posts and memberships"], responses=problem_responses(401, 422))


@router.get("/posts", summary="Posts with their holders on a date; filter by organisation, role, vacancy")
async def list_posts(posts: Posts, paging: Paging, as_of: AsOfQuery = None, organisation: RecordQuery = None,
                     on_behalf_of: RecordQuery = None, role: RoleFilter = None,
                     county: Annotated[str | None, Query(pattern=r"^[0-9]{2}$",
                                                         description="Posts held on behalf of this county's "
                                                                     "organisations")] = None,
                     vacant: Annotated[bool | None, Query(description="true: only vacant; false: only held")] = None,
                     ) -> Page[PostOut]:
    return await posts.search_posts(organisation_id=organisation, on_behalf_of_id=on_behalf_of,
                                    role=role.value if role else None, county=county, vacant=vacant,
                                    as_of=as_of or date.today(), paging=paging)


@router.post("/posts", status_code=201, summary="Create a post (it may stay vacant)",
             responses=problem_responses(403, 409))
async def create_post(data: PostIn, posts: PostWriter, request: Request,
                  response: Response) -> PostOut:
    post, created = await posts.create_post(data)
    return answer_stored(request, response, post, f"/posts/{post.id}", created)


@router.get("/posts/{post_id}", summary="One post and its holder on a date", responses=problem_responses(404))
async def get_post(post_id: RecordIdPath, posts: Posts, response: Response, as_of: AsOfQuery = None) -> PostOut:
    post = await posts.read_post(post_id, as_of or date.today())
    set_etag(response, post.version)
    return post


@router.post("/posts/{post_id}/close", summary="End a post on a date",
             responses=problem_responses(403, 404, 409, 412, 428))
async def close_post(post_id: RecordIdPath, data: CloseIn, posts: PostWriter, response: Response,
                     if_match: IfMatch = None) -> PostOut:
    post = await posts.close_post(post_id, data, if_match)
    set_etag(response, post.version)
    return post


@router.get("/memberships", summary="Who held which post when")
async def list_memberships(posts: Posts, paging: Paging, as_of: AsOfQuery = None, person: RecordQuery = None,
                           post: RecordQuery = None) -> Page[MembershipOut]:
    return await posts.search_memberships(person_id=person, post_id=post, as_of=as_of, paging=paging)


@router.post("/memberships", status_code=201, summary="A person takes a post for a period",
             responses=problem_responses(403, 409))
async def create_membership(data: MembershipIn, posts: PostWriter, request: Request,
                            response: Response) -> MembershipOut:
    membership, created = await posts.create_membership(data)
    return answer_stored(request, response, membership, f"/memberships/{membership.id}", created)


@router.post("/memberships/{membership_id}/close", summary="A person leaves a post on a date",
             responses=problem_responses(403, 404, 409, 412, 428))
async def close_membership(membership_id: RecordIdPath, data: CloseIn, posts: PostWriter, response: Response,
                           if_match: IfMatch = None) -> MembershipOut:
    membership = await posts.close_membership(membership_id, data, if_match)
    set_etag(response, membership.version)
    return membership
