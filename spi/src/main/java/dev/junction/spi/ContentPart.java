package dev.junction.spi;

import java.util.Objects;

/** One piece of a message's content: text or an image. */
public sealed interface ContentPart permits ContentPart.Text, ContentPart.Image {

    /** Plain text. */
    record Text(String text) implements ContentPart {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * An image, either by URL ({@code url} set) or inline ({@code base64Data} and {@code mediaType} set).
     *
     * @param detail the provider's detail hint ({@code "low"}, {@code "high"}, {@code "auto"}), or null
     */
    record Image(String url, String mediaType, String base64Data, String detail) implements ContentPart {
        public Image {
            if ((url == null) == (base64Data == null)) {
                throw new IllegalArgumentException("an image needs exactly one of url or base64Data");
            }
            if (base64Data != null && mediaType == null) {
                throw new IllegalArgumentException("an inline image needs a mediaType such as image/png");
            }
        }

        public static Image ofUrl(String url) {
            return new Image(url, null, null, null);
        }

        public static Image ofBase64(String mediaType, String base64Data) {
            return new Image(null, mediaType, base64Data, null);
        }
    }
}
