"""Public persistence check for library-api: runs under the grader only (it restarts the app)."""

import pytest
from conftest import assert_fields, expect


@pytest.mark.criterion("persistence.catalogue")
def test_authors_and_books_survive_a_restart(client, create_book, restart_app):
    book = create_book()
    author = expect(client.get(f"/authors/{book['author_id']}"), 200)
    restart_app()
    assert_fields(expect(client.get(f"/authors/{author['id']}"), 200), author)
    assert_fields(expect(client.get(f"/books/{book['id']}"), 200), book)
