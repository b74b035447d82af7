package dev.junction.spi;

/**
 * How the model may use the request's tools.
 *
 * @param mode     auto (the model decides), none, required (some tool), or one named tool
 * @param toolName the tool's name when {@code mode} is {@link Mode#NAMED}, else null
 */
public record ToolChoice(Mode mode, String toolName) {
    public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
    public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
    public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

    public ToolChoice {
        if ((mode == Mode.NAMED) != (toolName != null)) {
            throw new IllegalArgumentException("toolName is required with NAMED and only with NAMED, was mode="
                    + mode + " toolName=" + toolName);
        }
    }

    public static ToolChoice named(String toolName) {
        return new ToolChoice(Mode.NAMED, toolName);
    }

    /** The tool-choice modes. */
    public enum Mode { AUTO, NONE, REQUIRED, NAMED }
}
