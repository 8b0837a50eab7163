import pytest

from cbsim.connect import DEFAULT_API_KEY, ConnectApi, ConnectError, build_requests, parse_rql

HEADER = f"ApiKey {DEFAULT_API_KEY}"


@pytest.fixture
def api():
    return ConnectApi(DEFAULT_API_KEY, build_requests(250, seed=3, base_time=1_700_000_000), max_limit=100)


def get(api, path, query=""):
    return api.handle_get(path, query, HEADER)


def test_requests_first_page(api):
    status, page, headers = get(api, "/requests", "limit=10&offset=0")
    assert status == 200
    assert len(page) == 10
    assert headers["Content-Range"] == "items 0-9/250"


def test_requests_last_page_short(api):
    status, page, headers = get(api, "/requests", "limit=100&offset=200")
    assert len(page) == 50
    assert headers["Content-Range"] == "items 200-249/250"


def test_requests_offset_past_end(api):
    status, page, headers = get(api, "/requests", "limit=10&offset=250")
    assert page == []
    assert headers["Content-Range"] == "items 0-0/250"


def test_requests_paging_covers_all(api):
    seen = []
    offset = 0
    while True:
        status, page, headers = get(api, "/requests", f"limit=33&offset={offset}")
        if not page:
            break
        seen.extend(item["id"] for item in page)
        offset += len(page)
    assert len(seen) == 250
    assert len(set(seen)) == 250


def test_requests_limit_capped(api):
    status, page, headers = get(api, "/requests", "limit=500")
    assert len(page) == 100
    assert headers["Content-Range"] == "items 0-99/250"


def test_requests_default_limit(api):
    status, page, headers = get(api, "/requests")
    assert len(page) == 100


def test_requests_rql_eq_status(api):
    status, page, headers = get(api, "/requests", "eq(status,failed)&limit=1000")
    total = int(headers["Content-Range"].rsplit("/", 1)[1])
    assert page
    assert all(item["status"] == "failed" for item in page)
    assert total == len(page)


def test_requests_rql_empty_result(api):
    status, page, headers = get(api, "/requests", "eq(status,nonexistent)")
    assert page == []
    assert headers["Content-Range"] == "items 0-0/0"


def test_requests_rql_in_and_ordering(api):
    status, page, headers = get(api, "/requests", "and(in(status,(failed,pending)),ordering(-created))&limit=1000")
    assert {item["status"] for item in page} == {"failed", "pending"}
    created = [item["created"] for item in page]
    assert created == sorted(created, reverse=True)


def test_requests_rql_nested_field(api):
    status, page, headers = get(api, "/requests", "eq(asset.product.id,PRD-000-000-001)&limit=5")
    assert len(page) == 5


def test_requests_plain_filter(api):
    status, page, headers = get(api, "/requests", "status=approved&limit=1000")
    assert page
    assert all(item["status"] == "approved" for item in page)


def test_requests_invalid_rql(api):
    with pytest.raises(ConnectError) as caught:
        get(api, "/requests", "like(status,x)")
    assert caught.value.http_status == 400
    assert caught.value.body()["error_code"] == "RQL_001"


def test_requests_invalid_limit(api):
    with pytest.raises(ConnectError) as caught:
        get(api, "/requests", "limit=ten")
    assert caught.value.http_status == 400


def test_requests_negative_offset(api):
    with pytest.raises(ConnectError) as caught:
        get(api, "/requests", "offset=-1")
    assert caught.value.http_status == 400


def test_request_by_id(api):
    status, page, headers = get(api, "/requests", "limit=1")
    status, item, headers = get(api, f"/requests/{page[0]['id']}")
    assert status == 200
    assert item == page[0]


def test_accounts_probe(api):
    status, page, headers = get(api, "/accounts", "limit=1")
    assert status == 200
    assert len(page) == 1
    assert headers["Content-Range"] == "items 0-0/2"


def test_auth_context(api):
    status, body, headers = get(api, "/auth/context")
    assert status == 200
    assert body["user"]["id"] == "SU-000-000-001"


def test_wrong_key_401(api):
    with pytest.raises(ConnectError) as caught:
        api.handle_get("/accounts", "", "ApiKey SU-000-000-001:wrong")
    assert caught.value.http_status == 401
    assert caught.value.body()["errors"]


def test_missing_key_401(api):
    with pytest.raises(ConnectError) as caught:
        api.handle_get("/accounts", "", None)
    assert caught.value.http_status == 401


def test_key_without_scheme_401(api):
    with pytest.raises(ConnectError) as caught:
        api.handle_get("/accounts", "", DEFAULT_API_KEY)
    assert caught.value.http_status == 401


def test_key_given_with_scheme():
    api = ConnectApi("ApiKey SU-1:abc")
    assert api.handle_get("/auth/context", "", "ApiKey SU-1:abc")[0] == 200


def test_unknown_path_404(api):
    with pytest.raises(ConnectError) as caught:
        get(api, "/marketplaces")
    assert caught.value.http_status == 404


def test_rql_unbalanced():
    with pytest.raises(ValueError, match="unbalanced"):
        parse_rql(["in(status,(failed)"])
