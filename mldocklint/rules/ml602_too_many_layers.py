"""
## What it does
Counts the layers of a built image (`mldocklint image`) and flags it when there are more
than a budget.

## Why is this bad?
Each layer is a separate download and a separate overlay mount; Docker refuses images with
more than 127 layers. Many small layers usually mean many `RUN` instructions that could be
one, and files that one layer adds and the next deletes still cost their bytes.

## Example
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir numpy
RUN pip install --no-cache-dir pandas
RUN pip install --no-cache-dir scikit-learn
CMD ["python"]
```

## Use instead
```dockerfile
FROM python:3.11-slim
RUN pip install --no-cache-dir numpy pandas scikit-learn
CMD ["python"]
```

## When to ignore
Images whose layers are split on purpose so that rarely changing parts are shared and
cached between images.

## Fix
None: merge consecutive `RUN` instructions, or squash in a multi-stage build.

## Options
- `max-layers` (default 50): the layer budget.
"""

ID = "ML602"
SLUG = "too-many-layers"
CATEGORY = "image"
SEVERITY = "info"
SUMMARY = "The image has more layers than its budget"
FIX = "none"
SCOPE = "image"
OPTIONS = {"max-layers": 50}


def check(target, options):
    n = len(target.facts.layers)
    if n > options["max-layers"]:
        yield target.at_image(f"the image has {n} layers, over its budget of {options['max-layers']}; merge consecutive RUN instructions")
