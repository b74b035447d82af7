module dev.junction.server {
    requires dev.junction.engine;
    requires info.picocli;
}
