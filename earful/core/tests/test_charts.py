def test_the_running_week_is_drawn_hollow_and_marked_so_far_not_as_a_dip():
    from earful.core.charts import line_chart

    svg = line_chart(
        [("1 Dec", 40.0), ("8 Dec", 42.0), ("15 Dec", 5.0)], title="t", partial_last=True
    )
    assert "so far" in svg
    assert 'stroke-dasharray="4 3"' in svg
    assert "15 Dec (this week so far): 5" in svg
