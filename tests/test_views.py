import pytest

pytestmark = pytest.mark.django_db


def test_the_home_page_lists_the_meeting(client, seeded):
    response = client.get("/")
    assert response.status_code == 200
    assert "Miroslav Jenča" in response.text
    assert "26 June 2015" in response.text
