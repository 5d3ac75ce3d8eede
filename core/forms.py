from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """Every form on the site renders through the same accessible field markup."""

    form_template_name = "includes/form.html"
    field_template_name = "includes/field.html"
