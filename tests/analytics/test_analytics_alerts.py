import statistics

import numpy as np
import pytest

from analytics.alerts import alert_table, ears, farrington

WEEKS = np.arange(156)
SEASONAL_MEAN = 8.0 * (1.0 + 0.5 * np.sin(2 * np.pi * WEEKS / 52))


def test_ears_hand_computed_example():
    x = np.array([2, 4, 3, 5, 4, 3, 4, 6, 4, 3, 12, 14, 13], dtype=float)
    result = ears(x)
    # C1 at week 7: baseline weeks 0-6 = 2,4,3,5,4,3,4 -> mean 25/7, sd 0.9759
    assert np.all(np.isnan(result.c1[0, :7]))
    assert result.c1[0, 7] == pytest.approx((6 - 25 / 7) / 0.975900072948533)
    # C2 at week 10: baseline weeks 1-7 = 4,3,5,4,3,4,6 -> mean 29/7, sd 1.0690
    assert np.all(np.isnan(result.c2[0, :9]))
    assert result.c2[0, 10] == pytest.approx((12 - 29 / 7) / 1.0690449676496976)
    # C3 at week 12 sums max(0, C2 - 1) over weeks 10..12
    expected_c3 = sum(max(0.0, result.c2[0, week] - 1) for week in (10, 11, 12))
    assert result.c3[0, 12] == pytest.approx(expected_c3)
    assert np.isnan(result.c3[0, 10])  # needs C2 at weeks 8..10, week 8 has none
    assert result.alarm_c1[0].tolist() == (result.c1[0] > 3).tolist()
    assert result.alarm_c2[0, 10] and result.alarm_c3[0, 12]
    assert not result.alarm_c1[0, :7].any()


def test_ears_matches_a_loop_reference():
    x = np.random.default_rng(8).poisson(5, (3, 30)).astype(float)
    result = ears(x)
    for row in range(3):
        for week in range(9, 30):
            base = x[row, week - 9 : week - 2]
            reference = (x[row, week] - statistics.mean(base)) / statistics.stdev(base)
            assert result.c2[row, week] == pytest.approx(reference)


def test_ears_zero_sigma_and_min_sigma():
    x = np.array([[3.0] * 7 + [5.0], [3.0] * 8])
    plain = ears(x)
    assert plain.c1[0, 7] == np.inf and plain.alarm_c1[0, 7]
    assert plain.c1[1, 7] == 0.0
    floored = ears(x, min_sigma=1.0)
    assert floored.c1[0, 7] == pytest.approx(2.0) and not floored.alarm_c1[0, 7]


def test_injected_spike_in_seasonal_series_is_flagged():
    rng = np.random.default_rng(5)
    series = rng.poisson(SEASONAL_MEAN, (3, WEEKS.size)).astype(float)
    series[0, -1] = 3 * SEASONAL_MEAN[-1]
    series[1, -3:] = 3 * SEASONAL_MEAN[-3:]
    result = alert_table(series)
    assert result.alarm.tolist() == [True, True, False]
    assert result.since.tolist() == [155, 153, -1]
    assert result.observed[0] > result.upper[0] > result.expected[0]
    assert result.expected[0] == pytest.approx(SEASONAL_MEAN[-1], rel=0.35)
    assert result.q[0] <= 0.05 and result.p[0] < 1e-3


def test_no_false_alarms_on_200_series_without_spikes():
    rng = np.random.default_rng(42)
    flat = rng.poisson(6.0, (100, WEEKS.size))
    seasonal = rng.poisson(SEASONAL_MEAN, (100, WEEKS.size))
    result = alert_table(np.vstack([flat, seasonal]))
    assert result.alarm.sum() <= 1
    assert 0.0 < np.mean(result.p < 0.05) < 0.15  # p-values are roughly calibrated


def test_farrington_follows_seasonality_rather_than_recent_weeks():
    rng = np.random.default_rng(9)
    series = rng.poisson(SEASONAL_MEAN, (50, WEEKS.size)).astype(float)
    trough = int(np.argmin(SEASONAL_MEAN[104:])) + 104
    peak = int(np.argmax(SEASONAL_MEAN[104:])) + 104
    assert farrington(series, trough).expected.mean() == pytest.approx(4.0, rel=0.2)
    assert farrington(series, peak).expected.mean() == pytest.approx(12.0, rel=0.2)


def test_trend_is_used_when_significant_and_not_extrapolating():
    weeks = np.arange(52 * 6)
    mean = 20.0 * np.exp(0.1 * weeks / 52)
    series = np.random.default_rng(3).poisson(mean, (20, weeks.size)).astype(float)
    with_trend = farrington(series, years=5).expected.mean()
    short = farrington(series, years=2).expected.mean()  # < 3 years: no trend
    assert with_trend == pytest.approx(mean[-1], rel=0.08)
    assert short < with_trend


def test_past_outbreak_does_not_inflate_the_baseline():
    rng = np.random.default_rng(1)
    series = rng.poisson(10.0, (20, 52 * 5 + 1)).astype(float)  # 4 past years
    outbreak = series.copy()
    outbreak[:, -53] = 80.0  # the same week one year before the last one
    clean, inflated = farrington(series), farrington(outbreak)
    unweighted = clean.expected.mean() + 70.0 / 28  # 28 baseline weeks
    assert inflated.expected.mean() < clean.expected.mean() + 0.25 * (
        unweighted - clean.expected.mean()
    )


def test_untestable_series_and_short_history():
    series = np.zeros((2, WEEKS.size))
    series[1, -1] = 4
    result = alert_table(series)
    assert np.isnan(result.p).all() and not result.alarm.any()
    assert result.expected.tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="ears"):
        farrington(np.ones((1, 40)))
