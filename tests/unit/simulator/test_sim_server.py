"""Wire tests: real HTTP clients against a simulator served from this process."""

import base64
import http.client
import threading
import time
import urllib.parse
import xmlrpc.client

import pytest
import requests
from conftest import decode_reply, execute_body

from cbsim.connect import DEFAULT_API_KEY

CONNECT_HEADERS = {"Authorization": f"ApiKey {DEFAULT_API_KEY}"}


def first_failed(simulator):
    order = simulator.store.select(statuses=("PF",))[0]
    return order.order_id, simulator.store.signature(order)


def status_change_body(order_id, signature, target="PR"):
    return execute_body("OrderStatusChange_API", [order_id, target, signature])


# Standard clients

def test_xmlrpc_client_full_flow(live_simulator):
    simulator = live_simulator(orders=100, failed_in_window=10)
    proxy = xmlrpc.client.ServerProxy(simulator.urls["billing_url"])
    window = [simulator.window_start, simulator.config.window_end]

    listed = []
    for vendor in sorted(simulator.store.accounts):
        result = proxy.Execute({"Server": "BM", "Method": "OrderByStatusListGet_API",
                                "Params": [vendor, "", "PF", window[0], window[1], 1]})
        listed.extend(result["Result"][0])
    assert len(listed) == 10

    row = proxy.Execute({"Server": "BM", "Method": "GetOrder_API", "Params": [listed[0][0]]})["Result"][0]
    order = simulator.store.get(row[0])
    signature = simulator.store.signature(order)
    reply = proxy.Execute({"Server": "BM", "Method": "OrderStatusChange_API", "Params": [row[0], "PR", signature]})
    assert reply == {"Result": [{"Status": "Operation done."}]}
    assert simulator.store.get(row[0]).status == "PR"


def test_xmlrpc_client_fault(live_simulator):
    simulator = live_simulator()
    proxy = xmlrpc.client.ServerProxy(simulator.urls["billing_url"])
    with pytest.raises(xmlrpc.client.Fault) as caught:
        proxy.Execute({"Server": "BM", "Method": "GetOrder_API", "Params": [99999999]})
    text = base64.b64decode(caught.value.faultString).decode("utf-8")
    assert text == "Table SalesOrder does not contain row with ID 99999999."
    assert isinstance(caught.value.faultCode, int)


def test_requests_billing_and_connect(live_simulator):
    simulator = live_simulator()
    with requests.Session() as session:
        reply = session.post(simulator.urls["billing_url"], data=execute_body("GetOrder_API", [1001]),
                             headers={"Content-Type": "text/xml"})
        assert reply.status_code == 200
        assert reply.headers["Content-Type"].startswith("text/xml")
        assert decode_reply(reply.content)[0] == 1001

        probe = session.get(simulator.urls["connect_url"] + "/accounts", params={"limit": 1}, headers=CONNECT_HEADERS)
        assert probe.status_code == 200
        assert probe.headers["Content-Range"] == "items 0-0/2"
        assert probe.json()[0]["id"]


def test_requests_connect_paging(live_simulator):
    simulator = live_simulator(connect_requests=95)
    ids = []
    offset = 0
    with requests.Session() as session:
        while True:
            reply = session.get(f"{simulator.urls['connect_url']}/requests?limit=20&offset={offset}",
                                headers=CONNECT_HEADERS)
            page = reply.json()
            if not page:
                break
            ids.extend(item["id"] for item in page)
            offset += len(page)
    assert len(set(ids)) == 95


def test_connect_wrong_key(live_simulator):
    simulator = live_simulator()
    reply = requests.get(simulator.urls["connect_url"] + "/auth/context", headers={"Authorization": "ApiKey bad"})
    assert reply.status_code == 401
    assert reply.json()["error_code"] == "AUTH_001"


def test_keep_alive_reuses_connection(live_simulator):
    simulator = live_simulator()
    url = urllib.parse.urlsplit(simulator.urls["billing_url"])
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    statuses = []
    sockets = []
    for attempt in range(3):
        connection.request("POST", url.path, body=execute_body("GetOrder_API", [1001]))
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
        sockets.append(connection.sock)
    connection.close()
    assert statuses == [200, 200, 200]
    assert sockets[0] is sockets[1] is sockets[2]


def test_get_on_billing_405(live_simulator):
    simulator = live_simulator()
    assert requests.get(simulator.urls["billing_url"]).status_code == 405


def test_unknown_root_404(live_simulator):
    simulator = live_simulator()
    base = simulator.urls["billing_url"].rsplit("/", 1)[0]
    assert requests.get(base + "/other").status_code == 404


# Basic credentials

def test_basic_auth_missing_401(live_simulator):
    simulator = live_simulator(billing_auth=("basic", "operator", "pässword"))
    reply = requests.post(simulator.urls["billing_url"], data=execute_body("GetOrder_API", [1001]))
    assert reply.status_code == 401
    assert reply.headers["WWW-Authenticate"].startswith("Basic")


def test_basic_auth_wrong_401(live_simulator):
    simulator = live_simulator(billing_auth=("basic", "operator", "pässword"))
    reply = requests.post(simulator.urls["billing_url"], data=execute_body("GetOrder_API", [1001]),
                          auth=("operator", "wrong"))
    assert reply.status_code == 401


def test_basic_auth_accepts(live_simulator):
    simulator = live_simulator(billing_auth=("basic", "operator", "pässword"))
    reply = requests.post(simulator.urls["billing_url"], data=execute_body("GetOrder_API", [1001]),
                          auth=("operator", "pässword".encode("utf-8")))
    assert reply.status_code == 200


def test_basic_auth_status_change_recorded(live_simulator):
    simulator = live_simulator(billing_auth=("basic", "operator", "pässword"))
    order_id, signature = first_failed(simulator)
    requests.post(simulator.urls["billing_url"], data=status_change_body(order_id, signature))
    write = simulator.store.writes[-1]
    assert write["result"] == "rejected"
    assert write["fault_string"].startswith("HTTP 401")
    assert simulator.store.get(order_id).status == "PF"


# Faults

def test_injected_errors_every_kind(live_simulator):
    simulator = live_simulator(error_rate=1.0, fault_seed=3)
    outcomes = set()
    for attempt in range(30):
        try:
            reply = requests.post(simulator.urls["billing_url"], data=execute_body("GetOrder_API", [1001]))
        except requests.ConnectionError:
            outcomes.add("reset")
            continue
        assert reply.headers["Content-Type"] == "text/html"
        assert "<html>" in reply.text
        outcomes.add(reply.status_code)
    assert outcomes == {502, 503, "reset"}
    assert simulator.stats.snapshot()["injected_errors"] == 30


def test_injected_error_has_no_effect(live_simulator):
    simulator = live_simulator(error_rate=1.0, fault_seed=3)
    order_id, signature = first_failed(simulator)
    try:
        requests.post(simulator.urls["billing_url"], data=status_change_body(order_id, signature))
    except requests.ConnectionError:
        pass
    assert simulator.store.get(order_id).status == "PF"
    write = simulator.store.writes[-1]
    assert write["result"] == "injected_error"
    assert write["order_id"] == order_id
    assert write["status_before"] == "PF"
    assert write["error_kind"] in ("http_502", "http_503", "reset")


def test_injected_errors_hit_connect(live_simulator):
    simulator = live_simulator(error_rate=1.0, fault_seed=4)
    try:
        status = requests.get(simulator.urls["connect_url"] + "/accounts", headers=CONNECT_HEADERS).status_code
    except requests.ConnectionError:
        status = "reset"
    assert status in (502, 503, "reset")


def test_drop_after_commit(live_simulator):
    simulator = live_simulator(drop_after_commit_rate=1.0)
    order_id, signature = first_failed(simulator)
    with pytest.raises(requests.ConnectionError):
        requests.post(simulator.urls["billing_url"], data=status_change_body(order_id, signature))
    write = simulator.store.writes[-1]
    assert simulator.store.get(order_id).status == "PR"
    assert write["result"] == "applied"
    assert write["reply_dropped"] is True
    assert simulator.stats.snapshot()["dropped_replies"] == 1


def test_drop_after_commit_spares_reads(live_simulator):
    simulator = live_simulator(drop_after_commit_rate=1.0)
    reply = requests.post(simulator.urls["billing_url"], data=execute_body("GetOrder_API", [1001]))
    assert reply.status_code == 200


def test_drop_after_commit_spares_rejected(live_simulator):
    simulator = live_simulator(drop_after_commit_rate=1.0)
    order_id = first_failed(simulator)[0]
    reply = requests.post(simulator.urls["billing_url"], data=status_change_body(order_id, "0" * 32))
    assert reply.status_code == 200
    assert simulator.store.writes[-1]["reply_dropped"] is False


def test_latency_applies(live_simulator):
    simulator = live_simulator(latency_ms=150)
    started = time.monotonic()
    requests.post(simulator.urls["billing_url"], data=execute_body("GetOrder_API", [1001]))
    assert time.monotonic() - started >= 0.15


def test_max_concurrency_refuses(live_simulator):
    simulator = live_simulator(max_concurrency=2, latency_ms=400)
    statuses = []

    def send():
        reply = requests.post(simulator.urls["billing_url"], data=execute_body("GetOrder_API", [1001]))
        statuses.append(reply.status_code)

    threads = [threading.Thread(target=send) for attempt in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats = simulator.stats.snapshot()
    assert sorted(statuses) == [200, 200, 503, 503, 503]
    assert stats["refused_overload"] == 3
    assert stats["max_in_flight"] == 2


def test_control_skips_faults(live_simulator):
    simulator = live_simulator(error_rate=1.0, latency_ms=500, max_concurrency=1)
    started = time.monotonic()
    reply = requests.get(simulator.urls["control_url"] + "/stats")
    assert reply.status_code == 200
    assert time.monotonic() - started < 0.5


def test_connect_outage_then_up(live_simulator):
    simulator = live_simulator(connect_down_for=0.4, connect_flap_for=0.4)
    url = simulator.urls["connect_url"] + "/accounts"
    down = requests.get(url, headers=CONNECT_HEADERS)
    assert down.status_code == 502
    assert "Bad Gateway" in down.text
    time.sleep(0.9)
    assert [requests.get(url, headers=CONNECT_HEADERS).status_code for attempt in range(3)] == [200, 200, 200]


def test_connect_outage_before_auth(live_simulator):
    simulator = live_simulator(connect_down_for=5)
    reply = requests.get(simulator.urls["connect_url"] + "/accounts", headers={"Authorization": "ApiKey bad"})
    assert reply.status_code == 502


# Control API

def control(simulator, method, path, **kwargs):
    return requests.request(method, simulator.urls["control_url"] + path, **kwargs)


def test_control_order_by_id(live_simulator):
    simulator = live_simulator()
    body = control(simulator, "GET", "/orders/1001").json()
    assert body["order_id"] == 1001
    assert body["signature"] == simulator.store.signature(simulator.store.get(1001))
    for key in ("order_number", "vendor_account_id", "customer_name", "status", "creation_time", "total",
                "currency", "comments", "outcome"):
        assert key in body, key


def test_control_order_unknown_404(live_simulator):
    simulator = live_simulator()
    assert control(simulator, "GET", "/orders/5").status_code == 404


def test_control_order_bad_id_400(live_simulator):
    simulator = live_simulator()
    assert control(simulator, "GET", "/orders/abc").status_code == 400


def test_control_orders_filters(live_simulator):
    simulator = live_simulator(orders=300, failed_in_window=30)
    window = {"created_after": simulator.window_start, "created_before": simulator.config.window_end}
    body = control(simulator, "GET", "/orders", params={"status": "PF", **window}).json()
    assert body["count"] == 30
    assert all(order["status"] == "PF" for order in body["orders"])


def test_control_orders_vendor_filter(live_simulator):
    simulator = live_simulator()
    body = control(simulator, "GET", "/orders", params={"vendor_account_id": 1001}).json()
    assert body["orders"]
    assert {order["vendor_account_id"] for order in body["orders"]} == {1001}


def test_control_put_order_insert(live_simulator):
    simulator = live_simulator()
    crafted = {"order_id": 5, "status": "PF", "total": -12.345, "comments": "Ünïcödé ", "order_number": "SO000005  "}
    reply = control(simulator, "POST", "/orders", json={"orders": [crafted]})
    assert reply.status_code == 200
    order = simulator.store.get(5)
    assert order.status == "PF"
    assert order.total == -12.345
    assert order.order_number == "SO000005  "


def test_control_put_order_replace(live_simulator):
    simulator = live_simulator()
    control(simulator, "POST", "/orders", json={"orders": [{"order_id": 1001, "status": "PF"}]})
    order = simulator.store.get(1001)
    assert order.status == "PF"
    assert order.comments == ""


def test_control_put_order_merge(live_simulator):
    simulator = live_simulator()
    before = simulator.store.get(1001).customer_name
    control(simulator, "POST", "/orders", json={"orders": [{"order_id": 1001, "status": "MO"}], "merge": True})
    assert simulator.store.get(1001).customer_name == before
    assert simulator.store.get(1001).status == "MO"


def test_control_put_order_bad_type_400(live_simulator):
    simulator = live_simulator()
    reply = control(simulator, "POST", "/orders", json={"orders": [{"order_id": 5, "total": "ten"}]})
    assert reply.status_code == 400
    assert "total" in reply.json()["error"]


def test_control_put_order_bad_outcome_400(live_simulator):
    simulator = live_simulator()
    reply = control(simulator, "POST", "/orders", json={"orders": [{"order_id": 5, "outcome": "maybe"}]})
    assert reply.status_code == 400


def test_control_put_order_bad_json_400(live_simulator):
    simulator = live_simulator()
    reply = control(simulator, "POST", "/orders", data=b"{not json")
    assert reply.status_code == 400


def test_control_faults_round_trip(live_simulator):
    simulator = live_simulator()
    reply = control(simulator, "POST", "/faults", json={"latency_ms": 7, "error_rate": 0.25})
    assert reply.status_code == 200
    assert reply.json()["latency_ms"] == 7.0
    assert control(simulator, "GET", "/faults").json()["error_rate"] == 0.25


def test_control_faults_invalid_400(live_simulator):
    simulator = live_simulator()
    reply = control(simulator, "POST", "/faults", json={"error_rate": 3})
    assert reply.status_code == 400
    assert "error_rate" in reply.json()["error"]


def test_control_writes_and_reset(live_simulator):
    simulator = live_simulator()
    order_id, signature = first_failed(simulator)
    requests.post(simulator.urls["billing_url"], data=status_change_body(order_id, signature))
    writes = control(simulator, "GET", "/writes").json()["writes"]
    assert [write["result"] for write in writes] == ["applied"]
    assert writes[0]["seq"] == 1
    assert isinstance(writes[0]["time"], float)

    control(simulator, "POST", "/reset")
    assert control(simulator, "GET", "/writes").json()["writes"] == []
    assert simulator.store.get(order_id).status == "PF"
    assert control(simulator, "GET", "/stats").json()["billing_requests"] == 0


def test_control_reset_keeps_faults(live_simulator):
    simulator = live_simulator()
    control(simulator, "POST", "/faults", json={"latency_ms": 9})
    control(simulator, "POST", "/reset")
    assert simulator.faults.latency_ms == 9.0


def test_control_reset_restores_faults(live_simulator):
    simulator = live_simulator(latency_ms=1)
    control(simulator, "POST", "/faults", json={"latency_ms": 9})
    control(simulator, "POST", "/reset", json={"faults": True})
    assert simulator.faults.latency_ms == 1.0


def test_control_clear_writes(live_simulator):
    simulator = live_simulator()
    order_id = first_failed(simulator)[0]
    requests.post(simulator.urls["billing_url"], data=status_change_body(order_id, "0" * 32))
    control(simulator, "DELETE", "/writes")
    assert simulator.store.writes == []


def test_control_stats_counts(live_simulator):
    simulator = live_simulator()
    requests.post(simulator.urls["billing_url"], data=execute_body("GetOrder_API", [1001]))
    requests.get(simulator.urls["connect_url"] + "/accounts", headers=CONNECT_HEADERS)
    stats = control(simulator, "GET", "/stats").json()
    assert stats["billing_requests"] == 1
    assert stats["connect_requests"] == 1


def test_control_unknown_path_404(live_simulator):
    simulator = live_simulator()
    assert control(simulator, "GET", "/nothing").status_code == 404


def test_control_wrong_method_405(live_simulator):
    simulator = live_simulator()
    assert control(simulator, "POST", "/stats").status_code == 405
