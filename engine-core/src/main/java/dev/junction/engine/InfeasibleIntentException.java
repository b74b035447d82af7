package dev.junction.engine;

import java.io.Serial;
import java.util.List;
import java.util.stream.Collectors;

/** No model can meet the intent; lists every candidate and the constraint that removed it. */
public final class InfeasibleIntentException extends JunctionException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient List<Exclusion> exclusions;

    public InfeasibleIntentException(List<Exclusion> exclusions) {
        super(message(exclusions));
        this.exclusions = List.copyOf(exclusions);
    }

    /** Every candidate and the first constraint it failed. */
    public List<Exclusion> exclusions() {
        return exclusions;
    }

    private static String message(List<Exclusion> exclusions) {
        if (exclusions.isEmpty()) {
            return "no model can meet the intent: the catalog has no models for the configured providers";
        }
        return "no model can meet the intent; " + exclusions.size() + " candidates excluded:\n  "
                + exclusions.stream().map(Exclusion::toString).collect(Collectors.joining("\n  "));
    }
}
