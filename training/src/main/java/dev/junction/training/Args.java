package dev.junction.training;

/** Command-line checks shared by the training launchers: bad input ends with one line naming it, not a stack trace. */
final class Args {

    private Args() {
    }

    static int positive(String text, String name) {
        try {
            int v = Integer.parseInt(text);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive integer, was '" + text + "'");
    }

    static double positiveNumber(String text, String name) {
        try {
            double v = Double.parseDouble(text);
            if (v > 0 && Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive number, was '" + text + "'");
    }

    /** Prints the message and exits with status 2; returns an error only so that callers can {@code throw} it. */
    static Error fail(String message) {
        System.err.println(message);
        System.exit(2);
        return new AssertionError(message);
    }
}
