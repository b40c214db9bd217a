class RequestFormMixin:
    """Hands the request to the admin's form (`form_class(request=...)`), so a
    form can shape itself to the user's permissions."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)

        class RequestForm(form_class):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, request=request, **form_kwargs)

        return RequestForm
