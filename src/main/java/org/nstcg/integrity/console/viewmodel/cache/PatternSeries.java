package org.nstcg.integrity.console.viewmodel.cache;

import java.util.List;

/**
 * One line of the divergence chart: a key pattern's divergence over time.
 *
 * @param pattern the key pattern, e.g. {@code user:*}
 * @param points  oldest first
 */
public record PatternSeries(String pattern, List<Point> points) {

    /**
     * @param epochSecond the start of the point's time bucket
     * @param percent     divergent entries among those sampled in the bucket, 0 to 100
     */
    public record Point(long epochSecond, double percent) {
    }

    public PatternSeries {
        points = List.copyOf(points);
    }
}
