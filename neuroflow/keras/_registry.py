"""serialize / deserialize / get for a family of Keras objects named in one class table."""


def serializers(classes, kind):
    """The three functions Keras modules export, for objects whose classes are in ``classes``."""

    def serialize(obj):
        if obj is None:
            return None
        return {"class_name": type(obj).__name__, "config": obj.get_config()}

    def deserialize(config, custom_objects=None):
        name = config["class_name"] if isinstance(config, dict) else config
        cls = (custom_objects or {}).get(name) or classes.get(name)
        if cls is None:
            raise ValueError(f"Unknown {kind}: '{name}'. Please ensure you are using a "
                             "`keras.utils.custom_object_scope` and that this object is included "
                             "in the scope.")
        return cls.from_config(config.get("config", {})) if isinstance(config, dict) else cls()

    def get(identifier):
        """An object from None, a name, a config dict or a callable."""
        if identifier is None:
            return None
        if isinstance(identifier, (str, dict)):
            return deserialize(identifier)
        if callable(identifier):
            return identifier
        raise ValueError(f"Could not interpret {kind} identifier: {identifier!r}")

    return serialize, deserialize, get
